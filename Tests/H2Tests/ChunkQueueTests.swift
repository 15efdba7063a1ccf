import EventIO
import TestSupport
import Testing
@testable import H2

/// Records what is written to it, in order; the unit-test stand-in for a socket (no I/O).
private final class RecordingStream: ByteStream {
    let loop: EventLoop
    var bytes: [UInt8] = []
    var copies = 0
    var references = 0
    init(loop: EventLoop) { self.loop = loop }
    var remoteAddress: SocketAddress? { nil }
    var localAddress: SocketAddress? { nil }
    var isOpen: Bool { true }
    var isWritable: Bool { true }
    var pendingWriteBytes: Int { 0 }
    func start(delegate: any ByteStreamDelegate) {}
    func write(_ span: Span<UInt8>) {
        copies += 1
        span.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
    }
    func write(_ array: [UInt8], range: Range<Int>) {
        references += 1
        bytes.append(contentsOf: array[range])
    }
    func flush() {}
    func close() {}
    func closeAfterFlush() {}
}

/// A stream's queue of DATA chunks hands out exactly the queued bytes, in order, for any frame size.
@Suite struct ChunkQueueTests {
    static let group = try! EventLoopGroup(loopCount: 1)

    @Test(arguments: [1, 3, 7, 100, 16_384])
    func sendsEveryByteInOrder(frameLength: Int) {
        let chunks = [
            patternBytes(5, seed: 1), patternBytes(1, seed: 2), patternBytes(300, seed: 3), patternBytes(17, seed: 4),
        ]
        let out = RecordingStream(loop: Self.group.loops[0])
        var queue = ChunkQueue()
        #expect(queue.isEmpty)
        var queued = 0
        // Interleave appends and sends: a chunk queued while an earlier one is half sent.
        for chunk in chunks {
            queue.append(chunk)
            queued += chunk.count
            let length = min(frameLength, queued)
            queue.send(length, to: out, referenceThreshold: 8)
            queued -= length
        }
        while queued > 0 {
            let length = min(frameLength, queued)
            queue.send(length, to: out, referenceThreshold: 8)
            queued -= length
        }
        #expect(queue.isEmpty)
        #expect(out.bytes == chunks.flatMap { $0 })
        // Pieces of 8+ bytes went by reference, shorter ones were copied.
        if frameLength >= 100 { #expect(out.references > 0) }
        #expect(out.copies > 0)
    }

    @Test func removeAllDropsQueuedAndPartlySentChunks() {
        let out = RecordingStream(loop: Self.group.loops[0])
        var queue = ChunkQueue()
        queue.append([1, 2, 3])
        queue.append([4, 5])
        queue.send(2, to: out, referenceThreshold: 4096)
        queue.removeAll()
        #expect(queue.isEmpty)
        queue.append([9])
        queue.send(1, to: out, referenceThreshold: 4096)
        #expect(out.bytes == [1, 2, 9])
    }
}
