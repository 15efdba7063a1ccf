import EventIO
import H2
import Testing

/// Idle, header-read (slowloris) and keepalive timeouts, against raw peers that misbehave on purpose.
@Suite struct TimeoutTests {
    func startServer(_ configure: (inout H2Configuration) -> Void) throws -> (EventLoopGroup, H2Server) {
        var configuration = H2Configuration()
        configure(&configuration)
        let group = try EventLoopGroup(loopCount: 1)
        let server = try H2Server.start(port: 0, group: group, configuration: configuration) { request, response in
            response.sendHead([(":status", "200")])
            for try await chunk in request.body { try await response.write(chunk) }
            response.finish()
        }
        return (group, server)
    }

    @Test func idleConnectionGetsGoAwayAndIsClosed() async throws {
        let (group, server) = try startServer { $0.idleTimeout = .milliseconds(300) }
        let start = LoopClock.system.now()
        let peer = try await RawPeer.connect(
            to: server.localAddress, on: group.loops[0], sending: RawPeer.preface + RawPeer.settings())
        try await peer.waitFor("idle close", seconds: 5) { $0.isClosed }
        // Not before the timeout (the server's clock starts after our connect began).
        #expect(LoopClock.system.now() - start >= 300_000_000)
        #expect(peer.frames.contains { $0.type == 7 && $0.errorCode == 0 })
        await server.shutdown()
        group.shutdown()
    }

    @Test func busyConnectionIsNotClosedForIdleness() async throws {
        let (group, server) = try startServer { $0.idleTimeout = .milliseconds(300) }
        // The stream opens together with the preface (on the loop, at connect), so the connection is
        // never without a stream; then it stays open for several idle periods.
        let peer = try await RawPeer.connect(
            to: server.localAddress, on: group.loops[0],
            sending: RawPeer.preface + RawPeer.settings() + RawPeer.headers(stream: 1, path: "/echo"))
        try await Task.sleep(for: .milliseconds(1000))
        #expect(!peer.isClosed)
        peer.send(RawPeer.data(stream: 1, [7, 7], endStream: true))
        try await peer.waitFor("echo") { $0.frames.contains { $0.type == 0 && $0.payload == [7, 7] } }
        // With its stream done, the connection is idle and goes.
        try await peer.waitFor("idle close", seconds: 10) { $0.isClosed }
        await server.shutdown()
        group.shutdown()
    }

    @Test func slowlorisHeadIsCutOffAfterTheHeaderReadTimeout() async throws {
        let (group, server) = try startServer { $0.headerReadTimeout = .milliseconds(200) }
        // HEADERS without END_HEADERS: the head is never completed (a CONTINUATION would have to follow).
        var headers = RawPeer.headers(stream: 1)
        headers[4] = 0  // clear END_HEADERS
        let peer = try await RawPeer.connect(
            to: server.localAddress, on: group.loops[0], sending: RawPeer.preface + RawPeer.settings() + headers)
        try await peer.waitFor("slowloris close", seconds: 5) { $0.isClosed }
        // Meanwhile a proper client is served.
        let client = try await H2Client.connect(host: "127.0.0.1", port: server.localAddress.port, group: group)
        #expect(try await client.request(method: "POST", path: "/", body: [9]).body == [9])
        await client.close()
        await server.shutdown()
        group.shutdown()
    }

    @Test func silentConnectionWithoutPrefaceIsClosed() async throws {
        let (group, server) = try startServer { $0.headerReadTimeout = .milliseconds(200) }
        let peer = try await RawPeer.connect(to: server.localAddress, on: group.loops[0])
        try await peer.waitFor("preface timeout close", seconds: 5) { $0.isClosed }
        await server.shutdown()
        group.shutdown()
    }

    @Test func keepAlivePingWithoutAckClosesTheConnection() async throws {
        let (group, server) = try startServer {
            $0.keepAliveInterval = .milliseconds(100)
            $0.keepAliveTimeout = .milliseconds(200)
        }
        // This peer never answers PINGs.
        let peer = try await RawPeer.connect(
            to: server.localAddress, on: group.loops[0], sending: RawPeer.preface + RawPeer.settings())
        try await peer.waitFor("keepalive close", seconds: 5) { $0.isClosed }
        #expect(peer.frames.contains { $0.type == 6 && $0.flags & 1 == 0 })
        await server.shutdown()
        group.shutdown()
    }

    @Test func keepAlivePingAnsweredKeepsTheConnection() async throws {
        let (group, server) = try startServer {
            $0.keepAliveInterval = .milliseconds(100)
            $0.keepAliveTimeout = .seconds(2)
        }
        // nghttp2 on our client side answers PINGs by itself.
        let client = try await H2Client.connect(host: "127.0.0.1", port: server.localAddress.port, group: group)
        // Several PINGs go out and are answered meanwhile.
        try await Task.sleep(for: .milliseconds(600))
        #expect(try await client.request(method: "POST", path: "/", body: [5]).body == [5])
        await client.close()
        await server.shutdown()
        group.shutdown()
    }
}
