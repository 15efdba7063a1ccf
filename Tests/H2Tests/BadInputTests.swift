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
        let written = WaitableState(0)
        let handlerErrors = WaitableState<[String]>([])

        init(configuration: H2Configuration = H2Configuration()) throws {
            group = try EventLoopGroup(loopCount: 2)
            let written = self.written
            let handlerErrors = self.handlerErrors
            server = try H2Server.start(port: 0, group: group, configuration: configuration) { request, response in
                do {
                    if let path = request.head.path, path.hasPrefix("/bytes/"), let count = Int(path.dropFirst(7)) {
                        response.sendHeaders([(":status", "200")])
                        let chunk = [UInt8](repeating: 7, count: 16_384)
                        var left = count
                        while left > 0 {
                            try await response.write(chunk)
                            written.update { $0 += chunk.count }
                            left -= chunk.count
                        }
                        response.finish()
                    } else {
                        response.sendHeaders([(":status", "200")])
                        for try await chunk in request.body { try await response.write(chunk) }
                        response.finish()
                    }
                } catch {
                    handlerErrors.update { $0.append("\(error)") }
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
            to: fixture.address, on: fixture.group.loops[0],
            sending: Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8))
        try await peer.waitFor("close") { $0.isClosed }
        let goAway = peer.frames.first { $0.type == 7 }
        #expect(goAway?.errorCode == H2ErrorCode.protocolError.rawValue)
        try await fixture.expectStillServing()
        await fixture.stop()
    }

    /// The server closes after GOAWAY while the peer's bytes are still unread in its socket: it
    /// shuts down its side and drains them instead of closing at once (which would make the kernel
    /// reset the connection and could destroy the GOAWAY before the peer reads it).
    @Test func goAwayArrivesWhenThePeerKeepsSendingAfterItsError() async throws {
        let fixture = try Fixture()
        // A bad preface, then 2 MB more than the server's first reads take.
        let bytes = Array("GET / HTTP/1.1\r\nHost: example\r\n\r\n".utf8) + [UInt8](repeating: 0, count: 2 << 20)
        let peer = try await RawPeer.connect(to: fixture.address, on: fixture.group.loops[0], sending: bytes)
        try await peer.waitFor("close") { $0.isClosed }
        let received = peer.frames
        #expect(received.first { $0.type == 7 }?.errorCode == H2ErrorCode.protocolError.rawValue)
        let error = peer.closeError
        #expect(error == nil, "the connection was reset: \(String(describing: error))")
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

    @Test func headerBlockOverTheLimitResetsItsStreamAndTheConnectionStaysUsable() async throws {
        var configuration = H2Configuration()
        configuration.maxHeaderListSize = 4096
        let fixture = try Fixture(configuration: configuration)
        let client = try await H2Client.connect(host: "127.0.0.1", port: fixture.address.port, group: fixture.group)
        let big = String(repeating: "v", count: 8000)
        await #expect(throws: H2Error.streamReset(.internalError)) {
            _ = try await client.request(method: "GET", path: "/bytes/0", headers: [("x-big", big)])
        }
        // The same connection serves the next request.
        let next = try await client.request(method: "POST", path: "/echo", body: [1, 2, 3])
        #expect(next.status == 200 && next.body == [1, 2, 3])
        await client.close()
        await fixture.stop()
    }

    /// A request HEADERS frame with a 5000-byte `x-big` field (HPACK literal, new name).
    static func oversizedHeaders(stream: UInt32) -> [UInt8] {
        var block: [UInt8] = [0x83, 0x86, 0x84, 0x01, 0x01, UInt8(ascii: "a")]  // POST, http, /, :authority a
        block += [0x00, 0x05] + Array("x-big".utf8)
        block += [0x7F, 0x89, 0x26] + [UInt8](repeating: UInt8(ascii: "v"), count: 5000)  // length 5000
        return RawPeer.frame(type: 1, flags: 0x05, stream: stream, payload: block)
    }

    @Test func repeatedOversizedHeaderBlocksGetGoAwayEnhanceYourCalm() async throws {
        var configuration = H2Configuration()
        configuration.maxHeaderListSize = 4096
        let fixture = try Fixture(configuration: configuration)
        var bytes = RawPeer.preface + RawPeer.settings()
        for index in 0..<7 { bytes += Self.oversizedHeaders(stream: UInt32(1 + 2 * index)) }
        let peer = try await RawPeer.connect(to: fixture.address, on: fixture.group.loops[0], sending: bytes)
        // Each of the seven is reset on its own; the connection stays.
        try await peer.waitFor("seven resets") { $0.frames.filter { $0.type == 3 }.count == 7 }
        #expect(peer.frames.filter { $0.type == 3 }.allSatisfy { $0.errorCode == H2ErrorCode.internalError.rawValue })
        peer.send(RawPeer.headers(stream: 15, path: "/echo", endStream: true))
        try await peer.waitFor("a normal response") { $0.frames.contains { $0.type == 1 && $0.stream == 15 } }
        #expect(!peer.frames.contains { $0.type == 7 })
        // The eighth is one too many.
        peer.send(Self.oversizedHeaders(stream: 17))
        try await peer.waitFor("GOAWAY and close") { $0.isClosed }
        let goAway = try #require(peer.frames.first { $0.type == 7 })
        #expect(goAway.errorCode == H2ErrorCode.enhanceYourCalm.rawValue)
        try await fixture.expectStillServing()
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
        // Huge windows, so that only TCP (the peer not reading, from the start) can stop the server.
        let peer = try await RawPeer.connect(
            to: fixture.address, on: fixture.group.loops[0], options: options,
            sending: RawPeer.preface + RawPeer.settings([(0x4, 0x7FFF_FFFF)])
                + RawPeer.windowUpdate(stream: 0, increment: 0x7FFF_FFFF - 65_535)
                + RawPeer.headers(stream: 1, get: true, path: "/bytes/1000000000", endStream: true),
            pauseReading: true)
        // The handler gets going (its first megabyte fits in the stream's queue and the socket buffers)...
        try await withTimeout(10, "the first megabyte") { try await fixture.written.wait { $0 >= 1 << 20 ? () : nil } }
        // ...and another connection on the same server is served meanwhile.
        try await fixture.expectStillServing()
        peer.close()
        // The peer's close fails the handler's pending write; without backpressure the handler would
        // have written far more than socket buffers plus the stream's and socket's high-water marks.
        let errors = try await withTimeout(10, "the handler's failure") {
            try await fixture.handlerErrors.wait { $0.isEmpty ? nil : $0 }
        }
        #expect(errors.count == 1)
        #expect(fixture.written.value < 32 << 20)
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
        let errors = try await withTimeout(10, "the handler's failure") {
            try await fixture.handlerErrors.wait { $0.isEmpty ? nil : $0 }
        }
        #expect(errors.count == 1)
        #expect(errors.first?.contains("connection closed") == true)
        try await fixture.expectStillServing()
        await fixture.stop()
    }
}
