import EventIO
import H2
import TestSupport
import Testing

/// RFC 9113 §5.1 stream states as a server sees them, with hand-built frames over real sockets.
/// Each frame that can race the end of a stream is sent twice: in the same write as what ends the
/// stream, and after the server has visibly finished with it; the answer must be the same.
@Suite struct StreamStateTests {
    typealias Fixture = BadInputTests.Fixture

    static func rst(_ stream: UInt32, _ code: H2ErrorCode) -> [UInt8] {
        RawPeer.frame(type: 3, stream: stream, payload: code.rawValue.bigEndianBytes)
    }
    static let ping = RawPeer.frame(type: 6, payload: [1, 2, 3, 4, 5, 6, 7, 8])
    static let settingsAck = RawPeer.frame(type: 4, flags: 1)

    /// A peer past the preface and SETTINGS exchange (both directions acknowledged).
    static func connectedPeer(_ fixture: Fixture) async throws -> RawPeer {
        let peer = try await RawPeer.connect(
            to: fixture.address, on: fixture.group.loops[0], sending: RawPeer.preface + RawPeer.settings())
        try await peer.waitFor("the server's SETTINGS") { $0.frames.contains { $0.type == 4 && $0.flags == 0 } }
        peer.send(settingsAck)
        try await peer.waitFor("SETTINGS ACK") { $0.frames.contains { $0.type == 4 && $0.flags == 1 } }
        return peer
    }

    /// Sends a PING and waits for its ACK: the server has processed everything sent before.
    static func roundTrip(_ peer: RawPeer) async throws {
        let acks = peer.frames.filter { $0.type == 6 && $0.flags == 1 }.count
        peer.send(ping)
        try await peer.waitFor("PING ACK") { $0.frames.filter { $0.type == 6 && $0.flags == 1 }.count > acks }
    }

    static func resets(_ peer: RawPeer, stream: UInt32) -> [UInt32] {
        peer.frames.filter { $0.type == 3 && $0.stream == stream }.compactMap(\.errorCode)
    }

    // MARK: - Concurrency limit

    @Test func streamsBeyondTheAdvertisedLimitAreRefusedOneByOneAfterTheSettingsAck() async throws {
        var configuration = H2Configuration()
        configuration.maxConcurrentStreams = 5
        let fixture = try Fixture(configuration: configuration)
        let peer = try await Self.connectedPeer(fixture)
        let settings = try #require(peer.frames.first { $0.type == 4 && $0.flags == 0 })
        var advertised: [UInt16: UInt32] = [:]
        for offset in stride(from: 0, to: settings.payload.count, by: 6) {
            let id = UInt16(settings.payload[offset]) << 8 | UInt16(settings.payload[offset + 1])
            advertised[id] = UInt32(bytes: settings.payload[offset + 2..<offset + 6])
        }
        #expect(advertised[3] == 5, "SETTINGS_MAX_CONCURRENT_STREAMS advertised: \(advertised)")
        // Our SETTINGS is acknowledged; 20 open streams (no END_STREAM) in one write.
        peer.send((0..<20).flatMap { RawPeer.headers(stream: UInt32(1 + 2 * $0), path: "/echo") })
        try await peer.waitFor("15 refusals") { $0.frames.filter { $0.type == 3 }.count >= 15 }
        try await Self.roundTrip(peer)
        let refused = peer.frames.filter { $0.type == 3 }
        let refusedIDs: Set<UInt32> = Set(refused.map(\.stream))
        let expectedIDs: Set<UInt32> = Set((5..<20).map { (index: Int) -> UInt32 in UInt32(1 + 2 * index) })
        #expect(refusedIDs == expectedIDs)
        #expect(refused.allSatisfy { $0.errorCode == H2ErrorCode.refusedStream.rawValue })
        #expect(!peer.frames.contains { $0.type == 7 })
        // The connection keeps working: one stream ends, a new one is served.
        peer.send(Self.rst(1, .cancel) + RawPeer.headers(stream: 41, path: "/echo", endStream: true))
        try await peer.waitFor("a response on stream 41") {
            $0.frames.contains { $0.stream == 41 && $0.flags & 1 == 1 }
        }
        #expect(peer.frames.first { $0.stream == 41 }?.type == 1)
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await fixture.stop()
    }

    // MARK: - Frames after the peer's RST_STREAM: stream error STREAM_CLOSED

    @Test(arguments: [true, false])
    func dataAfterThePeersResetGetsStreamClosed(sameWrite: Bool) async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        peer.send(RawPeer.headers(stream: 1, path: "/echo") + Self.rst(1, .cancel))
        if !sameWrite { try await Self.roundTrip(peer) }
        peer.send(RawPeer.data(stream: 1, [1, 2, 3]))
        try await peer.waitFor("RST_STREAM") { $0.frames.contains { $0.type == 3 && $0.stream == 1 } }
        try await Self.roundTrip(peer)
        #expect(Self.resets(peer, stream: 1) == [H2ErrorCode.streamClosed.rawValue])
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await fixture.stop()
    }

    @Test(arguments: [true, false])
    func headersAfterThePeersResetGetStreamClosedAndNoResponse(sameWrite: Bool) async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        peer.send(RawPeer.headers(stream: 1, path: "/echo") + Self.rst(1, .cancel))
        if !sameWrite { try await Self.roundTrip(peer) }
        peer.send(RawPeer.headers(stream: 1, path: "/echo", endStream: true))
        try await peer.waitFor("RST_STREAM") { $0.frames.contains { $0.type == 3 && $0.stream == 1 } }
        try await Self.roundTrip(peer)
        #expect(Self.resets(peer, stream: 1) == [H2ErrorCode.streamClosed.rawValue])
        #expect(!peer.frames.contains { $0.type == 1 && $0.stream == 1 })
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await fixture.stop()
    }

    // MARK: - Frames after both ends sent END_STREAM: connection error STREAM_CLOSED

    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func dataOrHeadersAfterEndStreamGetGoAwayStreamClosed(data: Bool, sameWrite: Bool) async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        peer.send(RawPeer.headers(stream: 1, path: "/echo", endStream: true))
        // Same write: the stream is half-closed (remote) when the frame arrives; later: closed.
        let late = data ? RawPeer.data(stream: 1, [1]) : RawPeer.headers(stream: 1, path: "/echo", endStream: true)
        if sameWrite {
            peer.send(late)
        } else {
            try await peer.waitFor("the response's end") { $0.frames.contains { $0.stream == 1 && $0.flags & 1 == 1 } }
            peer.send(late)
        }
        try await peer.waitFor("GOAWAY and close") { $0.isClosed }
        let goAway = try #require(peer.frames.first { $0.type == 7 })
        #expect(goAway.errorCode == H2ErrorCode.streamClosed.rawValue)
        try await fixture.expectStillServing()
        await fixture.stop()
    }

    // MARK: - Frames after our RST_STREAM: ignored (RFC 9113 §5.1 "closed")

    @Test func dataAfterOurResetIsIgnored() async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        // The response ends before the request does: the server resets the rest (NO_ERROR, RFC 9113 §8.1).
        peer.send(RawPeer.headers(stream: 1, get: true, path: "/bytes/0"))
        try await peer.waitFor("RST_STREAM NO_ERROR") { $0.frames.contains { $0.type == 3 && $0.stream == 1 } }
        peer.send(RawPeer.data(stream: 1, [1, 2, 3]) + RawPeer.data(stream: 1, [4], endStream: true))
        try await Self.roundTrip(peer)
        #expect(Self.resets(peer, stream: 1) == [H2ErrorCode.noError.rawValue])
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await fixture.stop()
    }

    // MARK: - WINDOW_UPDATE on a stream

    @Test(arguments: [true, false])
    func windowUpdateOfZeroOnAnOpenStreamIsAStreamError(sameWrite: Bool) async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        peer.send(RawPeer.headers(stream: 1, path: "/echo"))
        if !sameWrite { try await Self.roundTrip(peer) }
        peer.send(RawPeer.windowUpdate(stream: 1, increment: 0))
        try await peer.waitFor("RST_STREAM") { $0.frames.contains { $0.type == 3 && $0.stream == 1 } }
        #expect(Self.resets(peer, stream: 1) == [H2ErrorCode.protocolError.rawValue])
        // Only the stream: the connection serves the next one.
        peer.send(RawPeer.headers(stream: 3, path: "/echo", endStream: true))
        try await peer.waitFor("a response on stream 3") { $0.frames.contains { $0.stream == 3 && $0.flags & 1 == 1 } }
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await fixture.stop()
    }

    @Test(arguments: [(UInt32(0), H2ErrorCode.protocolError), (UInt32(0x7FFF_FFFF), H2ErrorCode.flowControlError)])
    func windowUpdateRacingTheEndOfAResponseGetsTheSameStreamError(increment: UInt32, code: H2ErrorCode) async throws {
        for sameWrite in [true, false] {
            let fixture = try Fixture()
            let peer = try await Self.connectedPeer(fixture)
            peer.send(RawPeer.headers(stream: 1, path: "/echo", endStream: true))
            if !sameWrite {
                try await peer.waitFor("the response's end") {
                    $0.frames.contains { $0.stream == 1 && $0.flags & 1 == 1 }
                }
            }
            peer.send(RawPeer.windowUpdate(stream: 1, increment: increment))
            try await peer.waitFor("RST_STREAM") { $0.frames.contains { $0.type == 3 && $0.stream == 1 } }
            try await Self.roundTrip(peer)
            #expect(Self.resets(peer, stream: 1) == [code.rawValue], "same write: \(sameWrite)")
            #expect(!peer.frames.contains { $0.type == 7 })
            peer.close()
            await fixture.stop()
        }
    }

    @Test func windowUpdateWithinTheLimitAfterTheEndIsIgnored() async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        peer.send(RawPeer.headers(stream: 1, path: "/echo", endStream: true))
        try await peer.waitFor("the response's end") { $0.frames.contains { $0.stream == 1 && $0.flags & 1 == 1 } }
        peer.send(RawPeer.windowUpdate(stream: 1, increment: 1000))
        try await Self.roundTrip(peer)
        #expect(Self.resets(peer, stream: 1).isEmpty)
        #expect(!peer.frames.contains { $0.type == 7 })
        peer.close()
        await fixture.stop()
    }

    // MARK: - Idle streams

    @Test func dataOnAnIdleStreamGetsGoAwayProtocolError() async throws {
        let fixture = try Fixture()
        let peer = try await Self.connectedPeer(fixture)
        peer.send(RawPeer.data(stream: 5, [1]))
        try await peer.waitFor("GOAWAY and close") { $0.isClosed }
        let goAway = try #require(peer.frames.first { $0.type == 7 })
        #expect(goAway.errorCode == H2ErrorCode.protocolError.rawValue)
        #expect(UInt32(bytes: goAway.payload[0..<4]) == 0)
        await fixture.stop()
    }
}
