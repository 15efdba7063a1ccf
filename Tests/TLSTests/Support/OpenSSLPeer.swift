import Glibc
import TestSupport

/// An `openssl s_server` or `s_client` child process whose output (stdout and stderr together) is
/// read on a thread of its own, never on the cooperative pool, and awaited by content: no sleeps,
/// no polling.
final class OpenSSLPeer: Sendable {
    private let child: ChildProcess

    /// Starts `openssl` with `arguments`; stdin is a pipe the test writes.
    init(_ arguments: [String]) throws {
        child = try ChildProcess(OpenSSLCommand.path, arguments, stdin: .pipe, mergeStderr: true)
    }

    /// The output so far once it contains `text`, or all of it once the process closed its output
    /// (or the waiting task was cancelled).
    func output(containing text: String) async -> String {
        (try? await child.output(containing: text)) ?? child.transcript
    }

    /// All output, once the process exited and closed it.
    func outputToEnd() async -> String {
        (try? await child.exit().stdoutText) ?? child.transcript
    }

    /// Writes `text` to the child's stdin.
    func send(_ text: String) { child.send(text) }

    /// Closes the child's stdin.
    func closeInput() { child.closeInput() }

    /// Ends the child if it still runs; its own thread reaps it.
    func stop() {
        child.signal(SIGTERM)
        child.closeInput()
    }

    /// The port in s_server's readiness line `ACCEPT 127.0.0.1:PORT`.
    static func acceptedPort(_ output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
            let colon = line.lastIndex(of: ":")
        else { return nil }
        return Int(line[line.index(after: colon)...].filter(\.isNumber))
    }
}
