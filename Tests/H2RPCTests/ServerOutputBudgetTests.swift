import EventIO
import H2
import TestSupport
import Testing

@testable import H2RPC

/// The output budget all connections of a server share (`http2.serverWriteHighWaterMark`), over
/// real sockets: clients that stop reading hold their flooding handlers suspended once the queued
/// response bytes of all connections reach the budget, a client that reads is still answered, and
/// the count goes back to 0 when the slow clients leave.
@Suite struct ServerOutputBudgetTests {
    let probe = HandlerProbe()

    /// A client connection that asks for floods of 64 KiB messages and, once the first response
    /// head arrives, reads nothing more from its socket (its HTTP/2 windows are wide open, so only
    /// TCP holds the server back).
    final class SlowReader: H2StreamDelegate, Sendable {
        let tcp = LockedValue<TCPConnection?>(nil)
        /// Set on the loop by `resume`: heads that arrive later no longer pause reading.
        let resumed = LockedValue(false)
        /// Response bytes received, and streams that ended with `grpc-status: 0`.
        let received = LockedValue(0)
        let succeeded = WaitableState(0)
        private(set) nonisolated(unsafe) var connection: H2Connection?

        func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
            guard !resumed.withLock({ $0 }) else { return }
            tcp.withLock { $0 }?.pauseReading()
        }
        func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
            received.withLock { $0 += bytes.count }
        }
        func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
            if trailers?["grpc-status"] == "0" { succeeded.update { $0 += 1 } }
        }
        func stream(_ stream: H2Stream, didClose error: H2Error?) {}

        /// Reads again (and from then on).
        func resume() {
            guard let tcp = tcp.withLock({ $0 }) else { return }
            tcp.loop.execute {
                self.resumed.withLock { $0 = true }
                tcp.resumeReading()
            }
        }

        static func connect(port: Int, streams: Int, messages: Int) async throws -> H2Connection {
            try await open(port: port, streams: streams, messages: messages).connection!
        }

        static func open(port: Int, streams: Int, messages: Int) async throws -> SlowReader {
            let reader = SlowReader()
            var configuration = H2Configuration()
            configuration.initialWindowSize = 0x7FFF_FFFF
            configuration.connectionWindowSize = 0x7FFF_FFFF
            var options = SocketOptions()
            options.receiveBufferSize = 64 << 10
            let loop = try ClientEventLoops.shared(busyPoll: nil).next()
            let connection = try await H2Connection.connect(
                to: SocketAddress(host: "127.0.0.1", port: port), on: loop, configuration: configuration,
                socketOptions: options
            ) { tcp in
                reader.tcp.withLock { $0 = tcp }
                return tcp
            }
            let request = framed(EchoMessage(text: "", number: Int32(messages)))
            try await loop.submit { () throws(H2Error) in
                for _ in 0..<streams {
                    let stream = try connection.openStream(
                        H2Headers(requestHeaders("/test.Echo/Flood")), delegate: reader)
                    stream.sendData(request, endStream: true)
                }
            }
            reader.connection = connection
            return reader
        }
    }

    @Test func slowReadersAreHeldAtTheServerBudgetWhileAReadingClientIsServed() async throws {
        let limit = 1 << 20
        let connections = 6
        let streamsEach = 4
        try await withEchoServer(probe: probe) {
            $0.http2.serverWriteHighWaterMark = limit
            // Per stream and per connection alone, the 24 slow streams could queue 4 MiB each.
            $0.http2.streamWriteHighWaterMark = 4 << 20
            $0.http2.connectionWriteHighWaterMark = 64 << 20
            $0.http2.writeStallTimeout = nil
        } _: { server, channel, port in
            var slow: [H2Connection] = []
            for _ in 0..<connections {
                slow.append(try await SlowReader.connect(port: port, streams: streamsEach, messages: 1000))
            }
            // Every flood handler ends up suspended in a send: once the kernel's and the
            // connections' socket queues are full, the stream queues fill up to the budget.
            let suspended = connections * streamsEach
            let core = server.core
            try await withTimeout(60, "every flood handler suspended") {
                try await core.sendersWaiting.wait { $0 == suspended ? () : nil }
            }
            #expect(!probe.all.contains("flood sent all"))
            // Never above the budget by more than one message per stream (each writer that was
            // writable queues one more before it waits) and two 64 KiB charging steps per
            // connection (what a connection may hold beyond its queue).
            let message = framed(EchoMessage(text: String(repeating: "f", count: 65_536))).count
            let bound = limit + suspended * message + connections * 2 * (64 << 10)
            let peak = server.peakQueuedOutputBytes
            #expect(peak > limit, "peak \(peak): the budget was never reached")
            #expect(peak <= bound, "peak \(peak), bound \(bound)")
            #expect(server.queuedOutputBytes <= bound)

            // A client that reads is answered while the slow readers hold the budget: 2 MB of
            // responses, twice the budget, one message at a time.
            let big = String(repeating: "x", count: 200_000)
            let call = try await channel.serverStreaming(
                path: "/test.Echo/Expand", request: EchoMessage(text: big, number: 10), as: EchoMessage.self)
            var numbers: [Int32] = []
            for try await response in call {
                #expect(response.text == big)
                numbers.append(response.number)
            }
            #expect(numbers == Array(0..<10))

            // The slow readers leave: their queued bytes go, and so does their charge.
            for connection in slow { connection.close(.cancel) }
            try await withTimeout(30, "the slow connections closed") {
                try await server.waitForConnectionCount(1)
            }
            #expect(server.queuedOutputBytes == 0)
        }
    }

    @Test func writersHeldByTheServerBudgetOnTwoLoopsFinishWhenTheirClientsReadAgain() async throws {
        let connections = 4
        let streamsEach = 3
        // 9.8 MB per stream: more than the kernel's and the connection's socket queues hold.
        let messages = 150
        try await withEchoServer(probe: probe) {
            $0.loopCount = 2
            $0.http2.serverWriteHighWaterMark = 512 << 10
            $0.http2.streamWriteHighWaterMark = 4 << 20
            $0.http2.connectionWriteHighWaterMark = 64 << 20
            $0.http2.writeStallTimeout = nil
        } _: { server, _, port in
            var readers: [SlowReader] = []
            for _ in 0..<connections {
                readers.append(try await SlowReader.open(port: port, streams: streamsEach, messages: messages))
            }
            let core = server.core
            try await withTimeout(60, "every flood handler suspended") {
                try await core.sendersWaiting.wait { $0 == connections * streamsEach ? () : nil }
            }
            #expect(server.peakQueuedOutputBytes > 512 << 10)
            for reader in readers { reader.resume() }
            for reader in readers {
                try await withTimeout(60, "every flood finished") {
                    try await reader.succeeded.wait { $0 == streamsEach ? () : nil }
                }
                let message = framed(EchoMessage(text: String(repeating: "f", count: 65_536))).count
                // Each message in DATA frames: at least its bytes arrived, for every stream.
                #expect(reader.received.withLock { $0 } >= streamsEach * messages * message)
            }
            #expect(server.queuedOutputBytes == 0)
            for reader in readers { reader.connection?.close(.noError) }
        }
    }

    @Test func theServerBudgetDefaultsToAQuarterGibibyteAndCanBeTurnedOff() async throws {
        #expect(H2Configuration().serverWriteHighWaterMark == 256 << 20)
        try await withEchoServer(probe: probe) {
            $0.http2.serverWriteHighWaterMark = nil
        } _: { server, channel, _ in
            let reply = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "no budget"), as: EchoMessage.self)
            #expect(reply.text == "no budget")
            #expect(server.peakQueuedOutputBytes == 0)
        }
    }
}
