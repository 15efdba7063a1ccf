import Foundation
import Synchronization

/// An `openssl s_server` or `s_client` child process whose output is read on its own thread
/// (never on the cooperative pool) and awaited by content: no sleeps, no polling.
final class OpenSSLPeer: Sendable {
    private struct State {
        var output = ""
        var ended = false
        var waiters: [(String?, CheckedContinuation<String, Never>)] = []
    }

    private let process: Process
    private let input: Pipe
    private let state = Mutex(State())

    /// Starts `openssl` with `arguments`; stdout and stderr are collected together.
    init(_ arguments: [String]) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: OpenSSLCommand.path)
        process.arguments = arguments
        let output = Pipe()
        input = Pipe()
        process.standardOutput = output
        process.standardError = output
        process.standardInput = input
        try process.run()
        let reader = output.fileHandleForReading
        let thread = Thread { [self] in
            while true {
                let data = reader.availableData
                let resumed: [(CheckedContinuation<String, Never>, String)] = self.state.withLock { state in
                    if data.isEmpty { state.ended = true } else { state.output += String(decoding: data, as: UTF8.self) }
                    let text = state.output
                    var done: [(CheckedContinuation<String, Never>, String)] = []
                    state.waiters.removeAll { waiter in
                        let met = state.ended || (waiter.0.map { text.contains($0) } ?? false)
                        if met { done.append((waiter.1, text)) }
                        return met
                    }
                    return done
                }
                for (continuation, text) in resumed { continuation.resume(returning: text) }
                if data.isEmpty { return }
            }
        }
        thread.start()
    }

    /// The output so far once it contains `text`, or all of it once the process closed its output.
    func output(containing text: String) async -> String {
        await withCheckedContinuation { continuation in
            let now: String? = state.withLock { state in
                if state.ended || state.output.contains(text) { return state.output }
                state.waiters.append((text, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// All output, once the process closed it (it exited).
    func outputToEnd() async -> String {
        await withCheckedContinuation { continuation in
            let now: String? = state.withLock { state in
                if state.ended { return state.output }
                state.waiters.append((nil, continuation))
                return nil
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// Writes `text` to the child's stdin.
    func send(_ text: String) { input.fileHandleForWriting.write(Data(text.utf8)) }

    /// Closes the child's stdin.
    func closeInput() { try? input.fileHandleForWriting.close() }

    /// Ends the child (if still running) and reaps it.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        closeInput()
    }

    /// The port in s_server's readiness line `ACCEPT 127.0.0.1:PORT`.
    static func acceptedPort(_ output: String) -> Int? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("ACCEPT") }),
              let colon = line.lastIndex(of: ":") else { return nil }
        return Int(line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
}
