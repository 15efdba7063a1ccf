import EventIO
import H2
import TestSupport
import Testing

/// Output memory has a budget: per stream and per connection queued bytes stop the writers
/// (backpressure), a peer that reads nothing for `writeStallTimeout` is closed, and queued output
/// goes when the connection closes.
@Suite struct OutputBudgetTests {
    /// A loop-layer handler that sends `total` bytes in 16 KiB chunks whenever its stream is
    /// writable, and records where each stream stands.
    final class Pump: H2StreamDelegate, @unchecked Sendable {
        struct Record: Sendable {
            var streams: [Int32: H2Stream] = [:]
            var blocked: Set<Int32> = []
            var finished: Set<Int32> = []
            var closed: [Int32: String] = [:]
        }
        let state: WaitableState<Record>
        let total: Int
        private var sent = 0
        static let chunk = [UInt8](repeating: 5, count: 16_384)

        init(total: Int, state: WaitableState<Record>) {
            self.total = total
            self.state = state
        }

        func start(_ stream: H2Stream) {
            state.update { $0.streams[stream.id] = stream }
            stream.sendHeaders([(":status", "200")])
            pump(stream)
        }

        func pump(_ stream: H2Stream) {
            while stream.isWritable && sent < total {
                sent += Self.chunk.count
                stream.sendData(Self.chunk, endStream: sent >= total)
            }
            let done = sent >= total
            state.update { record in
                if done { record.finished.insert(stream.id) } else { record.blocked.insert(stream.id) }
            }
        }

        func streamWritabilityChanged(_ stream: H2Stream) { pump(stream) }
        func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {}
        func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {}
        func stream(_ stream: H2Stream, didClose error: H2Error?) {
            state.update { $0.closed[stream.id] = error.map { "\($0)" } ?? "" }
        }
    }

    struct Server {
        let clock = LoopClock.manual()
        let group: EventLoopGroup
        let listener: TCPListener
        let state = WaitableState(Pump.Record())

        init(total: Int, _ configure: (inout H2Configuration) -> Void) throws {
            var configuration = H2Configuration()
            configure(&configuration)
            group = try EventLoopGroup(loopCount: 1, clock: clock)
            let state = self.state
            listener = try startLoopServer(group, configuration: configuration) { stream, _ in
                let pump = Pump(total: total, state: state)
                pump.start(stream)
                return pump
            }
        }

        var loop: EventLoop { group.loops[0] }

        /// A peer that never reads, with windows so large that only TCP can stop the server.
        func connectSilentPeer(streams: Int) async throws -> RawPeer {
            var options = SocketOptions()
            options.receiveBufferSize = 64 * 1024
            let requests = (0..<streams).flatMap {
                RawPeer.headers(stream: UInt32(1 + 2 * $0), get: true, path: "/", endStream: true)
            }
            return try await RawPeer.connect(
                to: listener.localAddress, on: loop, options: options,
                sending: RawPeer.preface + RawPeer.settings([(0x4, 0x7FFF_FFFF)])
                    + RawPeer.windowUpdate(stream: 0, increment: 0x7FFF_FFFF - 65_535) + requests,
                pauseReading: true)
        }

        /// Bytes queued on the streams, read on their loop.
        func queuedBytes() async -> Int {
            let streams = Array(state.value.streams.values)
            return await loop.submit { streams.reduce(0) { $0 + $1.queuedOutboundBytes } }
        }

        func stop() async {
            await listener.close()
            group.shutdown()
        }
    }

    @Test func theConnectionBudgetHoldsEveryWriterAndReleasesThemAll() async throws {
        let streamCount = 20
        let server = try Server(total: 2 << 20) {
            $0.streamWriteHighWaterMark = 64 << 10
            $0.connectionWriteHighWaterMark = 256 << 10
        }
        let peer = try await server.connectSilentPeer(streams: streamCount)
        try await withTimeout(10, "every writer blocked") {
            try await server.state.wait { $0.blocked.count == streamCount ? () : nil }
        }
        // Per stream alone they could queue 20 × 64 KiB; the connection's budget holds all of them
        // near 256 KiB (a chunk each may cross it).
        let queued = await server.queuedBytes()
        #expect(queued <= (256 << 10) + streamCount * Pump.chunk.count, "queued: \(queued)")
        // The peer reads again: every stream gets writable again and finishes.
        let tcp = peer.connection
        tcp.loop.execute { tcp.resumeReading() }
        try await withTimeout(20, "every stream finished") {
            try await server.state.wait { $0.finished.count == streamCount ? () : nil }
        }
        peer.close()
        try await withTimeout(10, "streams closed") {
            try await server.state.wait { $0.closed.count == streamCount ? () : nil }
        }
        await server.stop()
    }

    @Test func aPeerThatReadsNothingIsClosedAfterTheWriteStallTimeoutAndItsQueuesGo() async throws {
        let server = try Server(total: 1 << 30) {
            $0.writeStallTimeout = .seconds(2)
            $0.idleTimeout = nil
        }
        let peer = try await server.connectSilentPeer(streams: 1)
        try await withTimeout(10, "the writer blocked") {
            try await server.state.wait { $0.blocked.isEmpty ? nil : () }
        }
        #expect(await server.queuedBytes() > 0)
        // Not yet: 1.5 s without progress.
        for _ in 0..<3 { await server.clock.advance(by: .milliseconds(500)) }
        await server.loop.submit {}
        #expect(server.state.value.closed.isEmpty)
        // Past 2 s: closed, without waiting for the peer, and the stream's queue is gone.
        for _ in 0..<2 { await server.clock.advance(by: .milliseconds(500)) }
        let closed = try await withTimeout(10, "the close") {
            try await server.state.wait { $0.closed.isEmpty ? nil : $0.closed }
        }
        #expect(closed[1]?.contains("read nothing") == true, "\(closed)")
        #expect(await server.queuedBytes() == 0)
        peer.close()
        await server.stop()
    }

    @Test func aSlowButReadingPeerIsNotClosed() async throws {
        let server = try Server(total: 8 << 20) {
            $0.writeStallTimeout = .seconds(2)
            $0.idleTimeout = nil
        }
        let peer = try await server.connectSilentPeer(streams: 1)
        try await withTimeout(10, "the writer blocked") {
            try await server.state.wait { $0.blocked.isEmpty ? nil : () }
        }
        let tcp = peer.connection
        // The peer reads everything between the clock's steps: output keeps moving.
        tcp.loop.execute { tcp.resumeReading() }
        try await withTimeout(20, "the stream finished") {
            try await server.state.wait { $0.finished.isEmpty ? nil : () }
        }
        // Every byte of the response (8 MiB in 16 KiB DATA frames, 9 bytes of frame header each) has
        // reached the peer, so nothing waits in the server's socket when the clock moves on: the
        // manual clock jumps while the kernel drains in real time, and output still in flight
        // would look like a stall.
        try await peer.waitFor("the whole response", seconds: 20) {
            $0.bytes.count >= (8 << 20) + (8 << 20) / 16_384 * 9
        }
        for _ in 0..<8 { await server.clock.advance(by: .milliseconds(500)) }
        await server.loop.submit {}
        #expect(server.state.value.closed[1] ?? "" == "")
        peer.close()
        await server.stop()
    }
}
