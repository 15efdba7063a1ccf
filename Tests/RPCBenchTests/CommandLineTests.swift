import Foundation
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// The rpcbench executable's error paths: one line, non-zero status, no hang, no orphan child.
@Suite(.serialized) struct CommandLineTests {
    @Test func unknownScenarioIsAUsageError() async throws {
        let outcome = try await RPCBenchProcess.run(["compare", "tcp", "--scenarios", "unary-1x1-16Q"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "rpcbench: scenario 'unary-1x1-16Q': '16Q' is not a size (e.g. 16B, 4KiB)\n")
    }

    @Test func unknownProtocolIsAUsageError() async throws {
        let outcome = try await RPCBenchProcess.run(["compare", "tcp", "quic"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("rpcbench: unknown protocol 'quic'"))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test func openLoopDownloadIsRefused() async throws {
        let outcome = try await RPCBenchProcess.run([
            "compare", "tcp", "--scenarios", "download-1x1-64KiB", "--rate", "100",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("--rate applies to unary and pingpong"))
    }

    @Test func portInUse() async throws {
        let first = try RPCBenchProcess.start(["serve", "--proto", "tcp", "--port", "0"])
        defer { first.signal(SIGKILL) }
        let line = try await first.firstLine() ?? ""
        let port = try #require(ChildOutput.listeningPort(in: line), "no listening line in '\(line)'")
        let second = try await RPCBenchProcess.run(
            ["serve", "--proto", "tcp", "--port", String(port)], timeout: .seconds(10))
        #expect(second.status == 1)
        #expect(second.stderr.hasPrefix("rpcbench: port \(port) on 127.0.0.1 is in use"))
        #expect(second.stderr.split(separator: "\n").count == 1)
    }

    @Test func nothingListening() async throws {
        let outcome = try await RPCBenchProcess.run([
            "load", "--proto", "tcp", "--target", "127.0.0.1:1", "--scenario", "unary-1x1-16B",
        ])
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("rpcbench: nothing listens on 127.0.0.1:1"))
    }

    @Test func aSilentServerTimesOut() async throws {
        // `nc -l` would do; our own tcp server does not answer a download request with a wrong size field,
        // so use a listener that accepts and never writes: a serve child of another protocol's port is not
        // needed — python's socket module is an independent one.
        let script =
            "import socket,time\ns=socket.socket();s.bind(('127.0.0.1',0));s.listen();s.settimeout(30);print(s.getsockname()[1],flush=True)\nc,_=s.accept();time.sleep(30)"
        let python = try ChildProcess(executable: try await PythonProcess.interpreter(), arguments: ["-c", script])
        defer { python.signal(SIGKILL) }
        let port = try #require(Int(try await python.firstLine() ?? ""))
        let outcome = try await RPCBenchProcess.run(
            [
                "load", "--proto", "tcp", "--target", "127.0.0.1:\(port)", "--scenario", "unary-1x1-16B",
                "--reply-timeout", "1",
            ],
            timeout: .seconds(20))
        #expect(outcome.status == 1)
        #expect(outcome.stderr.contains("no reply from the tcp server at 127.0.0.1:\(port) within 1.0 s"))
    }

    @Test func loadOverTwoServersWithRoundRobinCountsCallsAndErrors() async throws {
        let a = try await GRPCChannelLoadTests.CountingServer.start()
        let b = try await GRPCChannelLoadTests.CountingServer.start()
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("rpcbench-rr-\(getpid()).json").path
        defer { unlink(json) }
        let outcome = try await RPCBenchProcess.run([
            "load", "--proto", "grpc", "--target", "ipv4:127.0.0.1:\(a.port),127.0.0.1:\(b.port)", "--lb",
            "round_robin", "--scenario", "unary-1x4-16B", "--calls", "200", "--warmup", "0", "--json", json,
        ])
        await a.server.shutdown(gracePeriod: .seconds(1))
        await b.server.shutdown(gracePeriod: .seconds(1))
        #expect(outcome.status == 0, "\(outcome.stderr)")
        #expect(outcome.stdout.contains("errors"))
        let object =
            try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let row = try #require((object?["results"] as? [[String: Any]])?.first)
        #expect(row["calls"] as? Int == 200)
        #expect(row["errors"] as? Int == 0)
        #expect((row["errors_by_status"] as? [String: Any])?.isEmpty == true)
        // Both servers answered: the channel spread the calls (round_robin connects each address first).
        #expect(a.served + b.served == 200)
        #expect(a.served > 0 && b.served > 0, "served \(a.served) and \(b.served)")
    }

    @Test func anInvalidServiceConfigIsAUsageErrorNamingTheKey() async throws {
        let path = try GRPCChannelLoadTests.writeTemporary(
            #"{"methodConfig": [{"name": [{"service": "bench.Echo"}], "timeout": "soon"}]}"#, name: "bad-sc.json")
        defer { unlink(path) }
        let outcome = try await RPCBenchProcess.run([
            "load", "--proto", "grpc", "--target", "127.0.0.1:1", "--service-config", path, "--scenario",
            "unary-1x1-16B",
        ])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("rpcbench: --service-config \(path): methodConfig[0].timeout"))
        #expect(outcome.stderr.split(separator: "\n").count == 1)
    }

    @Test func loadBalancingNeedsGRPC() async throws {
        let outcome = try await RPCBenchProcess.run([
            "load", "--proto", "h2", "--target", "127.0.0.1:1", "--lb", "round_robin", "--scenario", "unary-1x1-16B",
        ])
        #expect(outcome.status == 2)
        #expect(outcome.stderr == "rpcbench: --lb and --service-config need --proto grpc\n")
    }

    @Test func compareRunsEndToEndAndWritesEveryOutput() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rpcbench-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("r.json").path, csv = dir.appendingPathComponent("r.csv").path
        let chart = dir.appendingPathComponent("r.svg").path
        let outcome = try await RPCBenchProcess.run(
            [
                "compare", "tcp", "--scenarios", "unary-1x1-16B,download-1x1-64KiB", "--calls", "200",
                "--download-count", "4", "--warmup", "0", "--json", json, "--csv", csv, "--chart", chart,
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        // Piped stdout: the table and nothing else (no progress line, no escape codes).
        #expect(!outcome.stdout.contains("\u{1B}"))
        #expect(outcome.stdout.contains("tcp       unary-1x1-16B"))
        #expect(outcome.stderr.contains("build"))
        let object =
            try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let results = try #require(object?["results"] as? [[String: Any]])
        #expect(results.count == 2)
        // 200 unary calls; 200 Download calls of 4 messages each.
        #expect(results.map { $0["calls"] as? Int } == [200, 800])
        #expect(results.map { $0["errors"] as? Int } == [0, 0])
        #expect((results[0]["server_rss_mib"] as? Double ?? 0) > 0)
        // The client's CPU comes from getrusage (µs); the server's from /proc in 10 ms ticks, which a
        // short run on a busy machine may not reach: only the client's must be above 0.
        #expect((results[0]["client_cpu_us_per_call"] as? Double ?? 0) > 0)
        #expect(results[0]["cpu_us_per_call"] is Double)
        #expect(try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").count == 3)
        #expect(try String(contentsOfFile: chart, encoding: .utf8).hasPrefix("<svg"))
    }

    @Test func compareWithTLSRunsEveryProtocolBothWaysAndCountsNewConnections() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rpcbench-tls-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let json = dir.appendingPathComponent("r.json").path
        let outcome = try await RPCBenchProcess.run(
            [
                "compare", "tcp", "h2", "--tls", "--scenarios", "unary-1x1-16B", "--calls", "200", "--warmup", "0",
                "--duration", "0.3", "--json", json,
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for row in [
            "tcp       unary-1x1-16B", "h2        unary-1x1-16B", "tcp+tls   unary-1x1-16B", "h2+tls    unary-1x1-16B",
        ] {
            #expect(outcome.stdout.contains(row), "no row '\(row)' in\n\(outcome.stdout)")
        }
        #expect(outcome.stdout.contains("over TLS relative to the same protocol in plaintext"))
        #expect(outcome.stdout.contains("connections/s"))
        let object =
            try JSONSerialization.jsonObject(with: try Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any]
        let rates = try #require(object?["connections_per_s"] as? [String: Any])
        for name in ["tcp", "h2", "tcp+tls", "h2+tls"] {
            #expect((rates[name] as? Double ?? 0) > 0, "no connection rate for \(name)")
        }
    }

    @Test func sigintStopsTheChildServer() async throws {
        let run = try WatchedCompare(["compare", "tcp", "--duration", "30"])
        _ = try #require(try await run.serverPID(), "no child server appeared")
        run.parent.signal(SIGINT)
        let outcome = try await run.parent.finished()
        #expect(outcome.status == 130)
        #expect(outcome.stderr.hasSuffix("rpcbench: interrupted\n"))
        try await run.serverExited()
    }

    @Test func aKilledParentLeavesNoOrphan() async throws {
        let run = try WatchedCompare(["compare", "tcp", "--duration", "30"])
        _ = try #require(try await run.serverPID(), "no child server appeared")
        run.parent.signal(SIGKILL)
        _ = try await run.parent.finished()
        // The child sees its stdin close and exits by itself.
        try await run.serverExited()
    }

    @Test func aServerThatExitsEarlyIsReported() async throws {
        await #expect {
            _ = try await ChildServer.start(executable: "/bin/false", kind: .tcp, timeout: 5)
        } throws: { error in
            guard case .serverStart(let message) = error as? BenchError else { return false }
            return message.contains("exited with status 1 before listening")
        }
    }

    @Test func aServerThatNeverListensIsKilled() async throws {
        // A script that ignores its arguments and stays silent.
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("silent-\(getpid()).sh").path
        try "#!/bin/sh\nexec sleep 60\n".write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        defer { unlink(script) }
        let before = ChildRegistry.shared.count
        await #expect {
            _ = try await ChildServer.start(executable: script, kind: .tcp, timeout: 0.5)
        } throws: { error in
            guard case .serverStart(let message) = error as? BenchError else { return false }
            return message.contains("did not report listening within")
        }
        #expect(ChildRegistry.shared.count == before)
        let leftovers = RPCBenchProcess.children(of: getpid()).filter {
            RPCBenchProcess.isAlive($0)
                && ((try? String(contentsOfFile: "/proc/\($0)/cmdline", encoding: .utf8)) ?? "").contains(script)
        }
        #expect(leftovers.isEmpty)
    }
}
