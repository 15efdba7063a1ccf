import EventIO
import H2
import TestSupport
import Testing

/// Floods of frames that cost the server work but carry no progress end in GOAWAY
/// ENHANCE_YOUR_CALM once the connection's budget for the time window is spent; the budget comes
/// back with the next window. The server runs on a manual clock, so windows pass only when the
/// test moves time.
@Suite struct UnproductiveFrameTests {
    static let limit = 20

    struct Server {
        let clock = LoopClock.manual()
        let group: EventLoopGroup
        let server: H2Server

        init() throws {
            var configuration = H2Configuration()
            configuration.maxUnproductiveFrames = UnproductiveFrameTests.limit
            configuration.unproductiveFrameWindow = .seconds(10)
            // The budget alone: gRPC's PING policy (ConnectionPolicyTests) would stop PING floods sooner.
            configuration.minPeerPingInterval = nil
            group = try EventLoopGroup(loopCount: 1, clock: clock)
            server = try H2Server.start(port: 0, group: group, configuration: configuration) { request, response in
                response.sendHeaders([(":status", "200")])
                for try await chunk in request.body { try await response.write(chunk) }
                response.finish()
            }
        }

        func connectPeer() async throws -> RawPeer {
            let peer = try await RawPeer.connect(
                to: server.localAddress, on: group.loops[0], sending: RawPeer.preface + RawPeer.settings())
            try await peer.waitFor("SETTINGS ACK") { $0.frames.contains { $0.type == 4 && $0.flags & 1 == 1 } }
            return peer
        }

        func stop() async {
            await server.shutdown(gracePeriod: .zero)
            group.shutdown()
        }
    }

    /// One unproductive frame of each kind (stream 1 is open where a stream is needed).
    static let floods: [(String, [UInt8])] = [
        ("empty DATA", RawPeer.data(stream: 1, [])),
        ("WINDOW_UPDATE", RawPeer.windowUpdate(stream: 0, increment: 1)),
        ("PRIORITY", RawPeer.frame(type: 2, stream: 1, payload: [0, 0, 0, 0, 16])),
        ("PING", RawPeer.frame(type: 6, payload: [UInt8](repeating: 0, count: 8))),
        ("SETTINGS", RawPeer.settings()),
        ("RST_STREAM of a closed stream", RawPeer.frame(type: 3, stream: 1, payload: [0, 0, 0, 8])),
    ]

    @Test(arguments: 0..<6)
    func floodGetsGoAwayEnhanceYourCalm(kind: Int) async throws {
        let (name, frame) = Self.floods[kind]
        let server = try Server()
        let peer = try await server.connectPeer()
        // Stream 1 opens (one frame of credit), then twice the budget of the flood.
        let flood = (0..<(2 * Self.limit)).flatMap { _ in frame }
        peer.send(RawPeer.headers(stream: 1, path: "/echo") + flood)
        try await peer.waitFor("GOAWAY and close after \(name)") { $0.isClosed }
        let goAway = try #require(peer.frames.first { $0.type == 7 }, "\(name)")
        #expect(goAway.errorCode == H2ErrorCode.enhanceYourCalm.rawValue, "\(name)")
        await server.stop()
    }

    @Test func theBudgetComesBackWithTheNextWindow() async throws {
        let server = try Server()
        let peer = try await server.connectPeer()
        let pings = { (count: Int) in
            (0..<count).flatMap { _ in RawPeer.frame(type: 6, payload: [UInt8](repeating: 9, count: 8)) }
        }
        // Three windows of 3/4 of the budget each: never too many within one window.
        for round in 1...3 {
            peer.send(pings(Self.limit * 3 / 4))
            try await peer.waitFor("ACKs of round \(round)") {
                $0.frames.filter { $0.type == 6 && $0.flags == 1 }.count == round * Self.limit * 3 / 4
            }
            await server.clock.advance(by: .seconds(10))
        }
        #expect(!peer.frames.contains { $0.type == 7 })
        // Within one window, one more than the budget.
        peer.send(pings(Self.limit + 1))
        try await peer.waitFor("GOAWAY and close") { $0.isClosed }
        #expect(peer.frames.first { $0.type == 7 }?.errorCode == H2ErrorCode.enhanceYourCalm.rawValue)
        await server.stop()
    }

    @Test func requestsGiveBackTheAllowanceTheirFramesUse() async throws {
        let server = try Server()
        let peer = try await server.connectPeer()
        // 3× the budget of requests, each followed by a WINDOW_UPDATE on the connection: each
        // request's HEADERS and response frames pay for its WINDOW_UPDATE.
        for index in 0..<(3 * Self.limit) {
            let stream = UInt32(1 + 2 * index)
            peer.send(
                RawPeer.headers(stream: stream, path: "/echo", endStream: true)
                    + RawPeer.windowUpdate(stream: 0, increment: 1))
            try await peer.waitFor("response \(index)") {
                $0.frames.contains { $0.stream == stream && $0.flags & 1 == 1 }
            }
        }
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await server.stop()
    }
}
