import EventIO
import H2
import Testing

/// Idle, header-read (slowloris) and keepalive timeouts, against raw peers that misbehave on purpose.
/// The server's loop runs on a manual clock: the tests move time forward instead of waiting for it.
@Suite struct TimeoutTests {
    struct Server {
        let clock = LoopClock.manual()
        let group: EventLoopGroup
        let server: H2Server

        init(_ configure: (inout H2Configuration) -> Void) throws {
            var configuration = H2Configuration()
            configure(&configuration)
            group = try EventLoopGroup(loopCount: 1, clock: clock)
            server = try H2Server.start(port: 0, group: group, configuration: configuration) { request, response in
                response.sendHeaders([(":status", "200")])
                for try await chunk in request.body { try await response.write(chunk) }
                response.finish()
            }
        }

        var loop: EventLoop { group.loops[0] }

        /// A raw peer whose preface (and `extra`) the server has processed: its SETTINGS ACK arrived.
        /// From then on the server's clocks for this connection are running.
        func connectPeer(sending extra: [UInt8] = []) async throws -> RawPeer {
            let peer = try await RawPeer.connect(
                to: server.localAddress, on: loop, sending: RawPeer.preface + RawPeer.settings() + extra)
            try await peer.waitFor("SETTINGS ACK") { $0.frames.contains { $0.type == 4 && $0.flags & 1 == 1 } }
            return peer
        }

        /// Moves the clock and finishes the loop turn that ran the timers (and any close they decided).
        func advance(by duration: Duration) async {
            await clock.advance(by: duration)
            await loop.submit {}
        }

        func stop() async {
            await server.shutdown()
            group.shutdown()
        }
    }

    @Test func idleConnectionGetsGoAwayAndIsClosed() async throws {
        let server = try Server { $0.idleTimeout = .milliseconds(300) }
        let peer = try await server.connectPeer()
        await server.advance(by: .milliseconds(299))
        #expect(server.server.connectionCount == 1)
        // The next check (every quarter of the timeout) finds it idle.
        await server.advance(by: .milliseconds(100))
        try await peer.waitFor("idle close") { $0.isClosed }
        #expect(peer.frames.contains { $0.type == 7 && $0.errorCode == 0 })
        await server.stop()
    }

    @Test func busyConnectionIsNotClosedForIdleness() async throws {
        let server = try Server { $0.idleTimeout = .milliseconds(300) }
        let peer = try await server.connectPeer(sending: RawPeer.headers(stream: 1, path: "/echo"))
        // Several idle periods pass with the stream open.
        for _ in 0..<10 { await server.advance(by: .milliseconds(100)) }
        #expect(server.server.connectionCount == 1)
        peer.send(RawPeer.data(stream: 1, [7, 7], endStream: true))
        try await peer.waitFor("the end of the echo") { received in
            received.frames.contains { ($0.type == 0 || $0.type == 1) && $0.stream == 1 && $0.flags & 1 == 1 }
        }
        #expect(peer.frames.contains { $0.type == 0 && $0.payload == [7, 7] })
        // With its stream done, the connection is idle and goes.
        await server.advance(by: .milliseconds(400))
        try await peer.waitFor("idle close") { $0.isClosed }
        await server.stop()
    }

    @Test func slowlorisHeadIsCutOffAfterTheHeaderReadTimeout() async throws {
        let server = try Server { $0.headerReadTimeout = .milliseconds(200) }
        // HEADERS without END_HEADERS: the head is never completed (a CONTINUATION would have to follow).
        var headers = RawPeer.headers(stream: 1)
        headers[4] = 0  // clear END_HEADERS
        let peer = try await server.connectPeer(sending: headers)
        await server.advance(by: .milliseconds(150))
        #expect(server.server.connectionCount == 1)
        await server.advance(by: .milliseconds(100))
        try await peer.waitFor("slowloris close") { $0.isClosed }
        #expect(peer.frames.contains { $0.type == 7 })
        await server.stop()
    }

    @Test func silentConnectionWithoutPrefaceIsClosed() async throws {
        let server = try Server { $0.headerReadTimeout = .milliseconds(200) }
        let peer = try await RawPeer.connect(to: server.server.localAddress, on: server.loop)
        // The server's own SETTINGS shows that its session (and its clock) started.
        try await peer.waitFor("server SETTINGS") { $0.frames.contains { $0.type == 4 && $0.flags & 1 == 0 } }
        await server.advance(by: .milliseconds(150))
        #expect(server.server.connectionCount == 1)
        await server.advance(by: .milliseconds(100))
        try await peer.waitFor("preface timeout close") { $0.isClosed }
        await server.stop()
    }

    @Test func keepAlivePingWithoutAckClosesTheConnection() async throws {
        let server = try Server {
            $0.keepAliveInterval = .milliseconds(100)
            $0.keepAliveTimeout = .milliseconds(200)
        }
        // This peer never answers PINGs.
        let peer = try await server.connectPeer()
        await server.advance(by: .milliseconds(150))
        try await peer.waitFor("keepalive PING") { $0.frames.contains { $0.type == 6 && $0.flags & 1 == 0 } }
        await server.advance(by: .milliseconds(150))
        #expect(server.server.connectionCount == 1)
        await server.advance(by: .milliseconds(150))
        try await peer.waitFor("keepalive close") { $0.isClosed }
        await server.stop()
    }

    @Test func keepAlivePingAnsweredKeepsTheConnection() async throws {
        let server = try Server {
            $0.keepAliveInterval = .milliseconds(100)
            $0.keepAliveTimeout = .milliseconds(200)
        }
        let peer = try await server.connectPeer()
        for round in 0..<5 {
            // Silence for longer than the interval: a PING goes out; the peer answers it.
            await server.advance(by: .milliseconds(150))
            try await peer.waitFor("PING \(round)") {
                $0.frames.filter { $0.type == 6 && $0.flags & 1 == 0 }.count > round
            }
            let ping = try #require(peer.frames.filter { $0.type == 6 && $0.flags & 1 == 0 }.last)
            peer.send(RawPeer.frame(type: 6, flags: 1, payload: ping.payload))
            // A stream round trip after the ACK: the server has read the ACK when it answers.
            peer.send(RawPeer.headers(stream: UInt32(1 + 2 * round), path: "/echo", endStream: true))
            try await peer.waitFor("response \(round)") { received in
                received.frames.contains { $0.type == 1 && $0.stream == UInt32(1 + 2 * round) }
            }
        }
        // Far past the keepalive timeout in total, and still open.
        #expect(server.server.connectionCount == 1)
        #expect(!peer.isClosed)
        // (Closed first: a graceful shutdown would wait for the raw peer to answer its PING.)
        peer.close()
        try await peer.waitFor("close") { $0.isClosed }
        await server.stop()
    }
}
