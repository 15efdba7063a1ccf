import Glibc
import TestSupport
import Testing

/// TestSupport's ChildProcess against real children (sh, cat, sleep).
@Suite struct ChildProcessTests {
    @Test func collectsStdoutStderrAndTheExitCode() async throws {
        let outcome = try await runProcess("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"])
        #expect(outcome.status == 3)
        #expect(outcome.signal == nil)
        #expect(outcome.stdoutText == "out")
        #expect(outcome.stderrText == "err")
    }

    @Test func mergedStderrGoesToStdout() async throws {
        let outcome = try await runProcess("/bin/sh", ["-c", "printf a; printf b >&2"], mergeStderr: true)
        #expect(outcome.stdoutText == "ab")
        #expect(outcome.stderr.isEmpty)
    }

    @Test func feedsInputLargerThanAPipeWhileReadingTheOutput() async throws {
        let input = patternBytes(1 << 20, seed: 5)  // 16 pipe buffers: needs writing and reading at once
        let outcome = try await runProcess("cat", [], stdin: input)
        #expect(outcome.status == 0)
        #expect(Bool(outcome.stdout == input), "\(outcome.stdout.count) bytes back of \(input.count)")
    }

    @Test func aSignalEndingTheChildIsReported() async throws {
        let outcome = try await runProcess("/bin/sh", ["-c", "kill -TERM $$"])
        #expect(outcome.signal == SIGTERM)
        #expect(outcome.status == 128 + SIGTERM)
    }

    @Test func linesAreReadAsTheyComeAndEndWithNil() async throws {
        let child = try ChildProcess("cat", [], stdin: .pipe)
        child.send("first\nsecond\n")
        #expect(try await child.nextLine() == "first")
        #expect(try await child.nextLine() == "second")
        child.send("third, unterminated")
        child.closeInput()
        #expect(try await child.nextLine() == "third, unterminated")
        #expect(try await child.nextLine() == nil)
        #expect(try await child.exit().status == 0)
    }

    @Test func outputWithoutTheTextEndsTheWaitWithNil() async throws {
        let child = try ChildProcess("/bin/sh", ["-c", "echo ready; echo done"])
        #expect(try await child.output(containing: "ready") != nil)
        #expect(try await child.output(containing: "never written") == nil)
    }

    @Test func environmentAndDirectoryReachTheChild() async throws {
        let outcome = try await runProcess(
            "/bin/sh", ["-c", "printf '%s %s' \"$H2RPC_TEST_VALUE\" \"$(pwd)\""], currentDirectory: "/tmp",
            environment: ["H2RPC_TEST_VALUE": "42"])
        #expect(outcome.stdoutText == "42 /tmp")
    }

    @Test func cancellingTheWaitForTheExitKillsTheChild() async throws {
        let child = try ChildProcess("sleep", ["1000"])
        let waiting = Task { try await child.exit() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        let outcome = try await child.exit()
        #expect(outcome.signal == SIGKILL)
    }

    @Test func cancellingALineWaitLeavesTheChildRunning() async throws {
        let child = try ChildProcess("cat", [], stdin: .pipe)
        let waiting = Task { try await child.nextLine() }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        child.send("still here\n")
        #expect(try await child.nextLine() == "still here")
        child.closeInput()
        #expect(try await child.exit().status == 0)
    }

    @Test func aMissingExecutableIsASpawnError() {
        #expect(throws: SpawnError.self) { try ChildProcess("/nonexistent/h2rpc-tool", []) }
    }
}
