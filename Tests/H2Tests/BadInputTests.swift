import TestSupport
import EventIO
import H2
import Testing

/// Each bad peer gets GOAWAY/RST with the right code or is closed; the server keeps serving others.
@Suite struct BadInputTests {
    /// A server whose handler echoes POST bodies and streams `GET /bytes/N`, counting what it wrote.
    final class Fixture: Sendable {
        let group: EventLoopGroup
        let server: H2Server
        let written = Locked(0)
        let handlerErrors = Locked<[String]>([])

        init(configuration: H2Configuration = H2Configuration()) throws {
            group = try EventLoopGroup(loopCount: 2)
            let written = self.written
            let handlerErrors = self.handlerErrors
            server = try H2Server.start(port: 0, group: group, configuration: configuration) { request, response in
                do {
                    if let path = request.head.path, path.hasPrefix("/bytes/"), let count = Int(path.dropFirst(7)) {
                        response.sendHead([(":status", "200")])
                        let chunk = [UInt8](repeating: 7, count: 16_384)
                        var left = count
                        while left > 0 {
                            try await response.write(chunk)
                            written.withLock { $0 += chunk.count }
                            left -= chunk.count
                        }
                        response.finish()
                    } else {
                        response.sendHead([(":status", "200")])
                        for try await chunk in request.body { try await response.write(chunk) }
                        response.finish()
                    }
                } catch {
                    handlerErrors.withLock { $0.append("\(error)") }
                    throw error
                }
            }
        }

        var address: SocketAddress { server.localAddress }

        /// A well-behaved client still gets served.
        func expectStillServing() async throws {
            let client = try await H2Client.connect(host: "127.0.0.1", port: address.port, group: group)
            let response = try await client.request(method: "POST", path: "/echo", body: Array("still here".utf8))
            #expect(response.status == 200)
            #expect(response.body == Array("still here".utf8))
            await client.close()
        }

        func stop() async {
            await server.shutdown()
            group.shutdown()
        }
    }

    @Test func garbagePrefaceGetsGoAwayProtocolErrorAndClose() async throws {
        let fixture = try Fixture()
        let peer = try await RawPeer.connect(
            to: fixture.address, on: fixture.group.loops[0], sending: Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8))
        try await peer.waitFor("close") { $0.isClosed }
        let goAway = peer.frames.first { $0.type == 7 }
        #expect(goAway?.errorCode == H2ErrorCode.protocolError.rawValue)
        try await fixture.expectStillServing()
        await fixture.stop()
    }

    @Test func malformedFrameGetsGoAwayFrameSizeErrorAndClose() async throws {
        let fixture = try Fixture()
        // A SETTINGS frame whose length (5) is not a multiple of 6.
        let peer = try await RawPeer.connect(
            to: fixture.address, on: fixture.group.loops[0],
            sending: RawPeer.preface + RawPeer.frame(type: 4, payload: [0, 3, 0, 0, 1]))
        try await peer.waitFor("close") { $0.isClosed }
        let goAway = peer.frames.first { $0.type == 7 }
        #expect(goAway?.errorCode == H2ErrorCode.frameSizeError.rawValue)
        try await fixture.expectStillServing()
        await fixture.stop()
    }

    @Test func headerBlockOverTheLimitGets431AndTheConnectionStaysUsable() async throws {
        var configuration = H2Configuration()
        configuration.maxHeaderListSize = 4096
        let fixture = try Fixture(configuration: configuration)
        let client = try await H2Client.connect(host: "127.0.0.1", port: fixture.address.port, group: fixture.group)
        let big = String(repeating: "v", count: 8000)
        let response = try await client.request(method: "GET", path: "/bytes/0", headers: [("x-big", big)])
        #expect(response.status == 431)
        // The same connection serves the next request.
        let next = try await client.request(method: "POST", path: "/echo", body: [1, 2, 3])
        #expect(next.status == 200 && next.body == [1, 2, 3])
        await client.close()
        await fixture.stop()
    }

    @Test func streamFloodPastMaxConcurrentStreamsIsRefused() async throws {
        var configuration = H2Configuration()
        configuration.maxConcurrentStreams = 5
        let fixture = try Fixture(configuration: configuration)
        var bytes = RawPeer.preface + RawPeer.settings()
        // 20 POST streams left open (no END_STREAM); our SETTINGS ACK never comes, so the limit
        // is "pending" and nghttp2 refuses the excess with RST_STREAM(REFUSED_STREAM).
        for index in 0..<20 { bytes += RawPeer.headers(stream: UInt32(1 + 2 * index)) }
        let peer = try await RawPeer.connect(to: fixture.address, on: fixture.group.loops[0], sending: bytes)
        try await peer.waitFor("15 refusals") { peer in
            peer.frames.filter { $0.type == 3 && $0.errorCode == H2ErrorCode.refusedStream.rawValue }.count >= 15
        }
        let refused = Set(peer.frames.filter { $0.type == 3 }.map(\.stream))
        #expect(refused == Set((5..<20).map { UInt32(1 + 2 * $0) }))
        #expect(!peer.frames.contains { $0.type == 7 })
        try await fixture.expectStillServing()
        peer.close()
        await fixture.stop()
    }

    @Test func peerThatStopsReadingHoldsTheWriterAndNotOthers() async throws {
        let fixture = try Fixture()
        var options = SocketOptions()
        options.receiveBufferSize = 64 * 1024
        // Huge windows, so that only TCP (the peer not reading) can stop the server.
        let peer = try await RawPeer.connect(
            to: fixture.address, on: fixture.group.loops[0], options: options,
            sending: RawPeer.preface + RawPeer.settings([(0x4, 0x7FFF_FFFF)])
                + RawPeer.windowUpdate(stream: 0, increment: 0x7FFF_FFFF - 65_535)
                + RawPeer.headers(stream: 1, get: true, path: "/bytes/1000000000", endStream: true))
        try await Task.sleep(for: .milliseconds(100))
        let tcp = peer.connection
        try await onLoop(tcp.loop) { tcp.pauseReading() }
        try await Task.sleep(for: .milliseconds(500))
        let first = fixture.written.value
        try await Task.sleep(for: .milliseconds(300))
        let second = fixture.written.value
        // Held: nothing more is written, and what was is bounded by socket buffers + the stream and socket high-water marks.
        #expect(second == first)
        #expect(second < 32 << 20)
        try await fixture.expectStillServing()
        peer.close()
        try await Task.sleep(for: .milliseconds(100))
        #expect(!fixture.handlerErrors.value.isEmpty)
        await fixture.stop()
    }

    @Test func peerThatVanishesMidStreamFailsOnlyItsHandler() async throws {
        let fixture = try Fixture()
        let peer = try await RawPeer.connect(
            to: fixture.address, on: fixture.group.loops[0],
            sending: RawPeer.preface + RawPeer.settings() + RawPeer.headers(stream: 1, path: "/echo")
                + RawPeer.data(stream: 1, [1, 2, 3, 4]))
        try await peer.waitFor("echoed data") { $0.frames.contains { $0.type == 0 && $0.stream == 1 } }
        peer.close()
        let errors = fixture.handlerErrors
        let deadline = LoopClock.system.now() + 5_000_000_000
        while errors.value.isEmpty && LoopClock.system.now() < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(errors.value.count == 1)
        #expect(errors.value.first?.contains("connection closed") == true)
        try await fixture.expectStillServing()
        await fixture.stop()
    }
}
