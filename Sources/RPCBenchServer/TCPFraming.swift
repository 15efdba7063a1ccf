/// The raw-TCP baseline's wire format (README, *Benchmark*): each message is a 4-byte
/// big-endian length followed by that many payload bytes, and the server echoes it unchanged.
///
/// The download pattern, which the anchors leave open, is ours: a frame whose length has the top bit
/// set is a request, `0x8000000C` followed by 12 bytes — message size (u32 BE) and count (u64 BE) —
/// and the server answers with `count` ordinary frames of `size` bytes each.
package enum TCPFraming {
    package static let headerSize = 4
    package static let downloadFlag: UInt32 = 0x8000_0000
    package static let downloadRequestSize = 12
    /// Longest frame either side accepts; a longer length means the peer speaks something else.
    package static let maxFrame = BenchLimits.maxMessage

    /// The 4 length bytes of a frame of `length` payload bytes (or flags).
    package static func header(_ value: UInt32) -> [UInt8] {
        [
            UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
            UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
        ]
    }

    package static func downloadRequest(size: Int, count: Int) -> [UInt8] {
        var bytes = header(downloadFlag | UInt32(downloadRequestSize))
        bytes += header(UInt32(size))
        bytes +=
            header(UInt32(truncatingIfNeeded: UInt64(count) >> 32)) + header(UInt32(truncatingIfNeeded: UInt64(count)))
        return bytes
    }

    /// Reads a big-endian u32 from `bytes[offset...]`.
    package static func readU32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8
            | UInt32(bytes[offset + 3])
    }

    /// Size and count of a download request's 12 body bytes, or nil when out of range.
    package static func parseDownloadRequest(_ body: [UInt8]) -> (size: Int, count: Int)? {
        guard body.count == downloadRequestSize else { return nil }
        let size = Int(readU32(body, 0))
        let count = UInt64(readU32(body, 4)) << 32 | UInt64(readU32(body, 8))
        guard size >= 1, size <= maxFrame, count >= 1, count <= UInt64(Int32.max) else { return nil }
        return (size, Int(count))
    }
}

/// Splits a byte stream into frame headers and payload pieces, without buffering payloads.
package struct TCPFrameSplitter {
    package enum Event: Equatable {
        /// A frame starts: its 4-byte header value.
        case header(UInt32)
        /// `count` payload bytes of the current frame, at `offset` in the chunk given to `next`.
        case payload(offset: Int, count: Int, frameDone: Bool)
    }

    private var header: UInt32 = 0
    private var headerBytes = 0
    /// Payload bytes still expected for the current frame.
    package private(set) var remaining = 0

    /// True between frames (no partial header, no payload pending).
    package var atFrameBoundary: Bool { headerBytes == 0 && remaining == 0 }

    /// Called by the owner once it knows the payload length of the frame whose header was just returned.
    package init() {}

    package mutating func expectPayload(_ count: Int) { remaining = count }

    /// Consumes bytes from `chunk` at `offset` and returns the next event and the new offset, or nil when
    /// the chunk is used up.
    package mutating func next(_ chunk: Span<UInt8>, from offset: Int) -> (Event, Int)? {
        var i = offset
        if remaining > 0 {
            guard i < chunk.count else { return nil }
            let n = min(remaining, chunk.count - i)
            remaining -= n
            return (.payload(offset: i, count: n, frameDone: remaining == 0), i + n)
        }
        while i < chunk.count {
            header = header << 8 | UInt32(chunk[i])
            headerBytes += 1
            i += 1
            if headerBytes == TCPFraming.headerSize {
                let value = header
                header = 0
                headerBytes = 0
                return (.header(value), i)
            }
        }
        return nil
    }
}
