import EventIO

/// The DATA chunks a stream has queued and nghttp2 has not taken yet, oldest first. The front chunk
/// sits in a field of its own, so a stream that sends one message (a unary call) never allocates
/// the array behind it. Loop thread only.
struct ChunkQueue {
    /// The front chunk; meaningful while `hasFront`.
    private var front: [UInt8] = []
    private var hasFront = false
    /// Bytes of the front chunk already taken.
    private var offset = 0
    private var rest: [[UInt8]] = []
    private var restIndex = 0

    /// True when nothing is queued.
    var isEmpty: Bool { !hasFront }

    /// Queues a chunk (not empty).
    mutating func append(_ chunk: [UInt8]) {
        if hasFront {
            rest.append(chunk)
        } else {
            front = chunk
            hasFront = true
        }
    }

    /// Hands the next `count` queued bytes to `transport` (the queue must hold that many), dropping the
    /// chunks it finishes. Pieces of at least `referenceThreshold` bytes are queued by reference
    /// to their array (no copy: they go to `sendmsg` from where the message was encoded); smaller
    /// ones are copied, which is cheaper than an iovec and an array retain of their own.
    mutating func send(_ count: Int, to transport: any ByteStream, referenceThreshold: Int) {
        var remaining = count
        while remaining > 0 && hasFront {
            let take = min(front.count - offset, remaining)
            if take >= referenceThreshold {
                transport.write(front, range: offset..<offset + take)
            } else {
                front.withUnsafeBufferPointer { chunk in
                    transport.write(UnsafeBufferPointer(rebasing: chunk[offset..<offset + take]).span)
                }
            }
            remaining -= take
            offset += take
            if offset == front.count { popFront() }
        }
    }

    /// Drops everything queued.
    mutating func removeAll() {
        front = []
        hasFront = false
        offset = 0
        rest = []
        restIndex = 0
    }

    private mutating func popFront() {
        offset = 0
        guard restIndex < rest.count else {
            front = []
            hasFront = false
            return
        }
        front = rest[restIndex]
        rest[restIndex] = []
        restIndex += 1
        if restIndex == rest.count {
            rest.removeAll(keepingCapacity: true)
            restIndex = 0
        }
    }
}
