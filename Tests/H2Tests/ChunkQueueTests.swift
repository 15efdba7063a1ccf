import TestSupport
import Testing
@testable import H2

/// A stream's queue of DATA chunks hands out exactly the queued bytes, in order, for any frame size.
@Suite struct ChunkQueueTests {
    @Test(arguments: [1, 3, 7, 100, 16_384])
    func takesEveryByteInOrder(capacity: Int) {
        let chunks = [patternBytes(5, seed: 1), patternBytes(1, seed: 2), patternBytes(300, seed: 3), patternBytes(17, seed: 4)]
        var queue = ChunkQueue()
        #expect(queue.isEmpty)
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: capacity)
        // Interleave appends and takes: a chunk queued while an earlier one is half sent.
        for chunk in chunks {
            queue.append(chunk)
            let n = buffer.withUnsafeMutableBufferPointer { queue.take(into: $0.baseAddress!, capacity: capacity) }
            out += buffer[..<n]
        }
        while !queue.isEmpty {
            let n = buffer.withUnsafeMutableBufferPointer { queue.take(into: $0.baseAddress!, capacity: capacity) }
            #expect(n > 0)
            out += buffer[..<n]
        }
        #expect(out == chunks.flatMap { $0 })
        let none = buffer.withUnsafeMutableBufferPointer { queue.take(into: $0.baseAddress!, capacity: capacity) }
        #expect(none == 0)
    }

    @Test func removeAllDropsQueuedAndPartlySentChunks() {
        var queue = ChunkQueue()
        queue.append([1, 2, 3])
        queue.append([4, 5])
        var buffer = [UInt8](repeating: 0, count: 2)
        _ = buffer.withUnsafeMutableBufferPointer { queue.take(into: $0.baseAddress!, capacity: 2) }
        queue.removeAll()
        #expect(queue.isEmpty)
        queue.append([9])
        let n = buffer.withUnsafeMutableBufferPointer { queue.take(into: $0.baseAddress!, capacity: 2) }
        #expect(n == 1 && buffer[0] == 9)
    }
}
