/// Follows HTTP/2 frame boundaries in the peer's bytes as they arrive, so that the session sees
/// each frame's header (and a stream WINDOW_UPDATE's increment) before nghttp2 parses the frame,
/// and can pass the frame on, drop it, or answer it. Header bytes split across two reads are held
/// back until the header is complete. Loop thread only.
struct InputFramer {
    /// The 9-byte header of a frame; `increment` for a WINDOW_UPDATE on a stream (nil otherwise).
    struct FrameHead: Equatable {
        var length: Int
        var type: UInt8
        var flags: UInt8
        var stream: Int32
        var increment: UInt32?
    }

    enum Step: Equatable {
        /// The next `count` bytes are preface or payload: pass them on.
        case bytes(Int)
        /// A frame head: `consumed` bytes of this input complete it; `earlier` are its first bytes,
        /// held from previous reads (they precede this input's bytes and were not passed on yet).
        case head(FrameHead, consumed: Int, earlier: [UInt8]?)
        /// The rest of the input (`count` bytes) is the start of a head: held until the next read.
        case held(Int)
    }

    static let data: UInt8 = 0, headers: UInt8 = 1, priority: UInt8 = 2, rstStream: UInt8 = 3,
        settings: UInt8 = 4, ping: UInt8 = 6, goAway: UInt8 = 7, windowUpdate: UInt8 = 8, continuation: UInt8 = 9
    static let endStreamFlag: UInt8 = 0x1, ackFlag: UInt8 = 0x1, endHeadersFlag: UInt8 = 0x4

    private var prefaceLeft: Int
    private var payloadLeft = 0
    private var held: [UInt8] = []

    /// `prefaceLength`: bytes before the first frame (24 for the client preface a server reads).
    init(prefaceLength: Int) { prefaceLeft = prefaceLength }

    /// What the input from `position` on begins with; `position < input.count`.
    mutating func step(_ input: UnsafeRawBufferPointer, at position: Int) -> Step {
        let available = input.count - position
        if prefaceLeft > 0 {
            let count = min(prefaceLeft, available)
            prefaceLeft -= count
            return .bytes(count)
        }
        if payloadLeft > 0 {
            let count = min(payloadLeft, available)
            payloadLeft -= count
            return .bytes(count)
        }
        let heldCount = held.count
        let total = heldCount + available
        func byte(_ index: Int) -> UInt8 { index < heldCount ? held[index] : input[position + index - heldCount] }
        func word(_ index: Int) -> UInt32 {
            UInt32(byte(index)) << 24 | UInt32(byte(index + 1)) << 16 | UInt32(byte(index + 2)) << 8
                | UInt32(byte(index + 3))
        }
        guard total >= 9 else { return hold(input, from: position) }
        let length = Int(byte(0)) << 16 | Int(byte(1)) << 8 | Int(byte(2))
        let type = byte(3)
        let stream = Int32(bitPattern: word(5) & 0x7FFF_FFFF)
        let headLength = type == Self.windowUpdate && stream != 0 && length == 4 ? 13 : 9
        guard total >= headLength else { return hold(input, from: position) }
        let head = FrameHead(
            length: length, type: type, flags: byte(4), stream: stream,
            increment: headLength == 13 ? word(9) & 0x7FFF_FFFF : nil)
        let earlier = heldCount == 0 ? nil : held
        held.removeAll(keepingCapacity: true)
        payloadLeft = length - (headLength - 9)
        return .head(head, consumed: headLength - heldCount, earlier: earlier)
    }

    private mutating func hold(_ input: UnsafeRawBufferPointer, from position: Int) -> Step {
        held.append(contentsOf: input[position...])
        return .held(input.count - position)
    }
}
