import EventIO
import H2
import TestSupport
import Testing

/// The server's connection policy against raw peers: maximum connection age and its grace, gRPC's
/// PING enforcement (`too_many_pings`), and the connection limit. Timers run on a manual clock
/// that the tests move; nothing waits for wall-clock time.
@Suite struct ConnectionPolicyTests {
    struct Server {
        let clock = LoopClock.manual()
        let group: EventLoopGroup
        let server: H2Server

        init(maxConnections: Int? = nil, _ configure: (inout H2Configuration) -> Void = { _ in }) throws {
            var configuration = H2Configuration()
            configure(&configuration)
            group = try EventLoopGroup(loopCount: 1, clock: clock)
            server = try H2Server.start(
                port: 0, group: group, configuration: configuration, maxConnections: maxConnections
            ) { request, response in
                response.sendHeaders([(":status", "200")])
                for try await chunk in request.body { try await response.write(chunk) }
                response.finish()
            }
        }

        var loop: EventLoop { group.loops[0] }

        /// A raw peer whose preface (and `extra`) the server has processed.
        func connectPeer(sending extra: [UInt8] = []) async throws -> RawPeer {
            let peer = try await RawPeer.connect(
                to: server.localAddress, on: loop, sending: RawPeer.preface + RawPeer.settings() + extra)
            try await peer.waitFor("SETTINGS ACK") { $0.frames.contains { $0.type == 4 && $0.flags & 1 == 1 } }
            return peer
        }

        /// Moves the clock and finishes the loop turn that ran the timers.
        func advance(by duration: Duration) async {
            await clock.advance(by: duration)
            await loop.submit {}
        }

        func stop() async {
            await server.shutdown(gracePeriod: .zero)
            group.shutdown()
        }
    }

    static func ping(_ byte: UInt8) -> [UInt8] { RawPeer.frame(type: 6, payload: [UInt8](repeating: byte, count: 8)) }

    static func pingAcks(_ received: RawPeer.Received) -> Int {
        received.frames.filter { $0.type == 6 && $0.flags & 1 == 1 }.count
    }

    /// Answers the server's PINGs received so far (the graceful shutdown waits for one round trip).
    static func acknowledgePings(_ peer: RawPeer) {
        for ping in peer.frames where ping.type == 6 && ping.flags & 1 == 0 {
            peer.send(RawPeer.frame(type: 6, flags: 1, payload: ping.payload))
        }
    }

    // MARK: - Maximum connection age

    @Test func connectionPastItsMaximumAgeGetsGoAwayAndItsStreamInFlightFinishesInTheGrace() async throws {
        let server = try Server {
            $0.maxConnectionAge = .seconds(1)
            $0.maxConnectionAgeGrace = .seconds(10)
        }
        let peer = try await server.connectPeer(sending: RawPeer.headers(stream: 1, path: "/echo"))
        peer.send(RawPeer.data(stream: 1, [1, 2]))
        try await peer.waitFor("first echo") { $0.frames.contains { $0.type == 0 && $0.payload == [1, 2] } }
        #expect(!peer.frames.contains { $0.type == 7 })
        // Past the age with its jitter (at most +10 %).
        await server.advance(by: .milliseconds(1200))
        try await peer.waitFor("GOAWAY notice and its PING") { received in
            received.frames.contains { $0.type == 7 } && received.frames.contains { $0.type == 6 && $0.flags == 0 }
        }
        Self.acknowledgePings(peer)
        try await peer.waitFor("final GOAWAY naming stream 1") { received in
            received.frames.contains { $0.type == 7 && UInt32(bytes: $0.payload[0..<4]) == 1 }
        }
        #expect(peer.frames.filter { $0.type == 7 }.allSatisfy { $0.errorCode == H2ErrorCode.noError.rawValue })
        #expect(!peer.isClosed)
        // The stream in flight goes on within the grace and completes; then the connection closes.
        await server.advance(by: .seconds(5))
        peer.send(RawPeer.data(stream: 1, [3], endStream: true))
        try await peer.waitFor("close after the last stream") { $0.isClosed }
        let frames = peer.frames
        #expect(frames.contains { $0.type == 0 && $0.stream == 1 && $0.payload == [3] })
        #expect(frames.contains { ($0.type == 0 || $0.type == 1) && $0.stream == 1 && $0.flags & 1 == 1 })
        await server.stop()
    }

    @Test func streamStillOpenWhenTheGraceEndsIsCutOff() async throws {
        let server = try Server {
            $0.maxConnectionAge = .seconds(1)
            $0.maxConnectionAgeGrace = .seconds(10)
        }
        let peer = try await server.connectPeer(sending: RawPeer.headers(stream: 1, path: "/echo"))
        await server.advance(by: .milliseconds(1200))
        try await peer.waitFor("GOAWAY and PING") { received in
            received.frames.contains { $0.type == 7 } && received.frames.contains { $0.type == 6 && $0.flags == 0 }
        }
        Self.acknowledgePings(peer)
        await server.advance(by: .seconds(9))
        #expect(server.server.connectionCount == 1)
        await server.advance(by: .seconds(2))
        try await peer.waitFor("close at the end of the grace") { $0.isClosed }
        await server.stop()
    }

    @Test func withoutAMaximumAgeConnectionsStay() async throws {
        let server = try Server { $0.idleTimeout = nil }
        let peer = try await server.connectPeer()
        await server.advance(by: .seconds(24 * 3600))
        #expect(server.server.connectionCount == 1)
        #expect(!peer.frames.contains { $0.type == 7 })
        await server.stop()
    }

    // MARK: - PING enforcement

    @Test func fourthQuickPingWithoutStreamsGetsGoAwayTooManyPings() async throws {
        let server = try Server()  // the defaults: 5 minutes, not without streams
        let peer = try await server.connectPeer()
        peer.send(Self.ping(1) + Self.ping(2) + Self.ping(3) + Self.ping(4))
        try await peer.waitFor("GOAWAY and close") { $0.isClosed }
        let goAway = try #require(peer.frames.first { $0.type == 7 })
        #expect(goAway.errorCode == H2ErrorCode.enhanceYourCalm.rawValue)
        #expect(String(decoding: goAway.payload.dropFirst(8), as: UTF8.self) == "too_many_pings")
        // Three strikes are allowed (grpc-go's maxPingStrikes = 2 strikes, the third ends it): the
        // first PING is no strike, the next two are.
        #expect(peer.frames.filter { $0.type == 6 && $0.flags & 1 == 1 }.count == 3)
        await server.stop()
    }

    @Test func pingsAtTheMinimumIntervalWithAStreamOpenAreFineQuickerOnesAreNot() async throws {
        let server = try Server {
            $0.minPeerPingInterval = .seconds(60)
            $0.idleTimeout = nil
        }
        let peer = try await server.connectPeer(sending: RawPeer.headers(stream: 1, path: "/echo"))
        for round in 1...6 {
            peer.send(Self.ping(UInt8(round)))
            try await peer.waitFor("ACK \(round)") { Self.pingAcks($0) == round }
            await server.advance(by: .seconds(60))
        }
        #expect(!peer.frames.contains { $0.type == 7 })
        // The first of these keeps the interval after the last; the next three are strikes.
        peer.send(Self.ping(7) + Self.ping(8) + Self.ping(9) + Self.ping(10))
        try await peer.waitFor("GOAWAY and close") { $0.isClosed }
        let goAway = try #require(peer.frames.first { $0.type == 7 })
        #expect(goAway.errorCode == H2ErrorCode.enhanceYourCalm.rawValue)
        #expect(String(decoding: goAway.payload.dropFirst(8), as: UTF8.self) == "too_many_pings")
        await server.stop()
    }

    @Test func dataWeSendForgivesPingsInBetween() async throws {
        let server = try Server { $0.minPeerPingInterval = .seconds(60) }
        let peer = try await server.connectPeer(sending: RawPeer.headers(stream: 1, path: "/echo"))
        // A reader probing bandwidth after each DATA it receives (as grpcio does): never too many.
        for round in 1...10 {
            peer.send(RawPeer.data(stream: 1, [UInt8(round)]))
            try await peer.waitFor("echo \(round)") { received in
                received.frames.contains { $0.type == 0 && $0.payload == [UInt8(round)] }
            }
            peer.send(Self.ping(UInt8(round)))
            try await peer.waitFor("ACK \(round)") { Self.pingAcks($0) == round }
        }
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await server.stop()
    }

    @Test func pingsWithoutStreamsArePermittedWhenConfigured() async throws {
        let server = try Server {
            $0.minPeerPingInterval = .seconds(300)
            $0.permitPingsWithoutStreams = true
            $0.idleTimeout = nil
        }
        let peer = try await server.connectPeer()
        for round in 1...6 {
            peer.send(Self.ping(UInt8(round)))
            try await peer.waitFor("ACK \(round)") { Self.pingAcks($0) == round }
            await server.advance(by: .seconds(300))
        }
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await server.stop()
    }

    // MARK: - Connection limit

    @Test func connectionsBeyondTheLimitAreClosedAtAcceptWhileTheOthersKeepWorking() async throws {
        let server = try Server(maxConnections: 2)
        let first = try await server.connectPeer()
        let second = try await server.connectPeer()
        // The third is closed as it is accepted: not even the server's SETTINGS is sent.
        let refused = try await RawPeer.connect(to: server.server.localAddress, on: server.loop)
        try await refused.waitFor("refused connection closed") { $0.isClosed }
        #expect(refused.frames.isEmpty)
        for (index, peer) in [first, second].enumerated() {
            peer.send(RawPeer.headers(stream: 1, path: "/echo", endStream: true))
            try await peer.waitFor("response on connection \(index)") { received in
                received.frames.contains { $0.stream == 1 && $0.flags & 1 == 1 }
            }
        }
        #expect(server.server.connectionCount == 2)
        // A slot comes back when a connection closes.
        first.close()
        try await withTimeout(10, "the first connection gone") { try await server.server.waitForConnectionCount(1) }
        let third = try await server.connectPeer()
        third.send(RawPeer.headers(stream: 1, path: "/echo", endStream: true))
        try await third.waitFor("response on the new connection") { received in
            received.frames.contains { $0.stream == 1 && $0.flags & 1 == 1 }
        }
        await server.stop()
    }
}
