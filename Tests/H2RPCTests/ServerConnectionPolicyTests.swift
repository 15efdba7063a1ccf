import EventIO
import H2
import Testing
import TestSupport

@testable import H2RPC

/// The server's connection policy as `RPCServer.Configuration` sets it, with a real channel:
/// maximum connection age (a call in flight finishes in the grace), the connection limit (load
/// shedding at accept), and large bidirectional echoes within the default output budget.
@Suite struct ServerConnectionPolicyTests {
    let probe = HandlerProbe()

    @Test func bidiEchoOfManyLargeMessagesBothWaysPassesAtTheDefaultOutputBudget() async throws {
        #expect(H2Configuration().streamWriteHighWaterMark < 1 << 20)
        try await withEchoServer(probe: probe) { _, channel, _ in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            let count = 48
            let texts = (0..<count).map {
                String(repeating: String(UnicodeScalar(UInt8(97 + $0 % 26))), count: 300_000 + $0)
            }
            // The client writes while it reads, as a streaming client does; each message is far
            // above the budget, and more are in flight than the windows and budgets hold together.
            let sender = Task {
                for (index, text) in texts.enumerated() {
                    try await call.send(EchoMessage(text: text, number: Int32(index)))
                }
                call.finish()
            }
            var received: [EchoMessage] = []
            for try await response in call.responses { received.append(response) }
            try await sender.value
            #expect(received.count == count)
            for (index, response) in received.enumerated() {
                #expect(response.number == Int32(index))
                #expect(response.text == "echo:" + texts[index])
            }
        }
    }

    @Test func callInFlightFinishesWithinTheGraceAfterTheMaximumAge() async throws {
        let clock = LoopClock.manual()
        try await withEchoServer(probe: probe) {
            $0.loopClock = clock
            $0.http2.maxConnectionAge = .seconds(1)
            $0.http2.maxConnectionAgeGrace = .seconds(30)
        } _: { _, channel, _ in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            var responses = call.responses.makeAsyncIterator()
            try await call.send(EchoMessage(text: "before"))
            #expect(try await responses.next()?.text == "echo:before")
            // Past the age: GOAWAY; the call goes on (its stream is below the last stream id).
            await clock.advance(by: .milliseconds(1200))
            try await call.send(EchoMessage(text: "after"))
            #expect(try await responses.next()?.text == "echo:after")
            call.finish()
            #expect(try await responses.next() == nil)
            // New calls go to a new connection.
            let reply = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "new"), as: EchoMessage.self)
            #expect(reply.text == "new")
        }
    }

    /// Collects what a raw TCP client receives and when it is closed.
    final class RawClient: TCPConnectionDelegate, @unchecked Sendable {
        let state = WaitableState<(bytes: Int, closed: Bool)>((0, false))
        func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
            let count = bytes.count
            state.update { $0.bytes += count }
        }
        func connectionClosed(_ connection: TCPConnection, error: IOError?) { state.update { $0.closed = true } }
    }

    @Test func connectionBeyondTheLimitIsClosedAtAcceptWhileTheOpenOneKeepsWorking() async throws {
        try await withEchoServer(probe: probe) {
            $0.maxConnections = 1
        } _: { server, channel, port in
            let first = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "a"), as: EchoMessage.self)
            #expect(first.text == "a")
            let loop = try ClientEventLoops.shared(busyPoll: nil).next()
            let tcp = try await TCPConnection.connect(to: SocketAddress(host: "127.0.0.1", port: port), on: loop)
            let raw = RawClient()
            await loop.submit {
                tcp.start(delegate: raw)
                tcp.write(Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8))
            }
            try await withTimeout(10, "the extra connection closed") {
                try await raw.state.wait { $0.closed ? () : nil }
            }
            // Closed before any HTTP/2 work: not even the server's SETTINGS came.
            #expect(raw.state.withLock { $0.bytes } == 0)
            let second = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "b"), as: EchoMessage.self)
            #expect(second.text == "b")
            #expect(server.connectionCount == 1)
        }
    }
}
