import Logging
import Synchronization
import Testing
@testable import H2RPC

/// The server's LoggingInterceptor logs a call the client cancelled as CANCELLED and one whose
/// deadline expired as DEADLINE_EXCEEDED (the handler sees a CancellationError in both cases).
@Suite struct LoggingInterceptorStatusTests {
    /// A log handler that lets a test wait for a line with a given prefix (no polling).
    struct AwaitingLogHandler: LogHandler {
        final class Store: Sendable {
            private struct State {
                var lines: [String] = []
                var waiters: [(prefix: String, continuation: CheckedContinuation<String, Never>)] = []
            }
            private let state = Mutex(State())

            func append(_ line: String) {
                let ready = state.withLock { s -> [CheckedContinuation<String, Never>] in
                    s.lines.append(line)
                    let matching = s.waiters.filter { line.hasPrefix($0.prefix) }.map(\.continuation)
                    s.waiters.removeAll { line.hasPrefix($0.prefix) }
                    return matching
                }
                for c in ready { c.resume(returning: line) }
            }

            /// The first line starting with `prefix`, once it has been logged.
            func line(withPrefix prefix: String) async -> String {
                await withCheckedContinuation { c in
                    let found = state.withLock { s -> String? in
                        if let line = s.lines.first(where: { $0.hasPrefix(prefix) }) { return line }
                        s.waiters.append((prefix, c))
                        return nil
                    }
                    if let found { c.resume(returning: found) }
                }
            }
        }

        let store: Store
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { store.append("\(event.level) \(event.message)") }
    }

    func withLoggingServer(
        _ body: (RPCChannel, Int, AwaitingLogHandler.Store, HandlerProbe) async throws -> Void
    ) async throws {
        let store = AwaitingLogHandler.Store()
        let logger = Logger(label: "test") { _ in AwaitingLogHandler(store: store) }
        let probe = HandlerProbe()
        try await withEchoServer(probe: probe, interceptors: [LoggingInterceptor(logger: logger)]) { _, channel, port in
            try await body(channel, port, store, probe)
        }
    }

    @Test(.timeLimit(.minutes(1))) func clientCancellationIsLoggedAsCancelled() async throws {
        try await withLoggingServer { channel, _, store, probe in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            try await call.send(EchoMessage(text: "sleep"))
            #expect(await probe.waitFor("sleeping"))
            call.cancel()
            let line = await store.line(withPrefix: "notice served /test.Echo/Chat")
            #expect(line.hasPrefix("notice served /test.Echo/Chat CANCELLED"), "\(line)")
        }
    }

    /// The server's own deadline timer ends the call: a raw HTTP/2 client sends `grpc-timeout: 50m`
    /// and, unlike RPCChannel, does not cancel the stream when that time is up.
    @Test(.timeLimit(.minutes(1))) func deadlineExpiryIsLoggedAsDeadlineExceeded() async throws {
        try await withLoggingServer { _, port, store, _ in
            let recorder = RawResponseRecorder()
            let (connection, _) = try await rawRequest(
                port: port, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-timeout", "50m")]),
                body: framed(EchoMessage(text: "sleep")), recorder: recorder)
            let line = await store.line(withPrefix: "notice served /test.Echo/Get")
            #expect(line.hasPrefix("notice served /test.Echo/Get DEADLINE_EXCEEDED"), "\(line)")
            #expect(await recorder.waitClosed())
            #expect(recorder.end?.error?.code == .deadlineExceeded)
            connection.close()
        }
    }
}
