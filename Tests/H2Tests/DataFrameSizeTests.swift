import TestSupport
import EventIO
import H2
import Testing

/// DATA frames are as large as the peer allows, up to 128 KiB (nghttp2 alone sends 16 KiB frames),
/// and never larger than the peer's SETTINGS_MAX_FRAME_SIZE; the bytes arrive intact either way.
@Suite struct DataFrameSizeTests {
    static let bodySize = 300_000

    /// Frames of stream 1's response to a raw peer that sent `settings` and a GET.
    static func responseFrames(peerSettings settings: [(UInt16, UInt32)]) async throws -> [RawPeer.Frame] {
        let group = try EventLoopGroup(loopCount: 1)
        let body = (0..<bodySize).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = try H2Server.start(port: 0, group: group) { _, response in
            response.sendHeaders([(":status", "200")])
            try await response.write(body)
            response.finish()
        }
        let peer = try await RawPeer.connect(
            to: server.localAddress, on: group.loops[0],
            sending: RawPeer.preface + RawPeer.settings(settings + [(0x4, 0x7FFF_FFFF)])
                + RawPeer.windowUpdate(stream: 0, increment: 0x7FFF_FFFF - 65_535)
                + RawPeer.headers(stream: 1, get: true, path: "/", endStream: true))
        try await peer.waitFor("the end of the response") { peer in
            peer.frames.contains { $0.type == 0 && $0.stream == 1 && $0.flags & 1 != 0 }
        }
        let data = peer.frames.filter { $0.type == 0 && $0.stream == 1 }
        #expect(data.flatMap(\.payload) == body)
        peer.close()
        await server.shutdown()
        group.shutdown()
        return data
    }

    @Test func framesGrowTo128KiBWhenThePeerAllowsMore() async throws {
        let frames = try await Self.responseFrames(peerSettings: [(0x5, 1 << 20)])
        #expect(frames.map(\.payload.count).max() == 128 * 1024)
    }

    @Test func framesStayWithinThePeersDefaultMaximum() async throws {
        let frames = try await Self.responseFrames(peerSettings: [])
        #expect(frames.map(\.payload.count).max() == 16_384)
    }
}
