/// One gRPC message as received: its bytes (still compressed when `compressed`).
struct ReceivedMessage: Sendable, Hashable {
    var compressed: Bool
    var bytes: [UInt8]
}

/// What is wrong with a received stream of length-prefixed messages.
enum DeframeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The prefix announces more bytes than the receive limit allows.
    case messageTooLarge(size: Int, limit: Int)
    /// The flag byte is neither 0 nor 1.
    case invalidFlag(UInt8, offset: Int)
    /// The stream ended inside a message: `have` of `need` bytes (prefix included) arrived.
    case truncated(have: Int, need: Int, offset: Int)

    var description: String {
        switch self {
        case .messageTooLarge(let size, let limit):
            return "grpc: received message larger than max (\(size) vs. \(limit))"
        case .invalidFlag(let flag, let offset):
            return "grpc: received unexpected payload format (flag \(flag) at byte \(offset))"
        case .truncated(let have, let need, let offset):
            return "grpc: stream ended inside a message at byte \(offset) (\(have) of \(need) bytes)"
        }
    }

    /// The status a call ends with over this error.
    var status: RPCError {
        switch self {
        case .messageTooLarge: return RPCError(code: .resourceExhausted, message: description)
        case .invalidFlag, .truncated: return RPCError(code: .internal, message: description)
        }
    }
}

/// Splits the DATA bytes of one direction of a call into messages (spec §3): a flag byte, a
/// 4-byte big-endian length, then the bytes. Chunk boundaries are unrelated to message boundaries.
/// The length is checked against the limit before any byte of the body is buffered.
struct MessageDeframer {
    let maxMessageSize: Int
    private var buffer: [UInt8] = []
    private var readIndex = 0
    /// Stream offset of `buffer[0]`, for error positions.
    private var bufferOffset = 0
    /// `receive` only: the body of a message whose prefix has arrived and whose bytes are still
    /// coming, in an array of its final size. The chunks are copied into it once and it is handed
    /// over as it is (a large message spans many DATA frames; buffering them first and copying
    /// the message out afterwards would copy every byte twice).
    private var body: [UInt8] = []
    private var bodyLength = 0
    private var bodyCompressed = false
    /// Stream offset of the prefix of the message in `body`; -1 when there is none.
    private var bodyOffset = -1

    init(maxMessageSize: Int) { self.maxMessageSize = maxMessageSize }

    /// Bytes buffered but not yet returned as messages.
    var bufferedByteCount: Int { buffer.count - readIndex + (bodyOffset >= 0 ? 5 + body.count : 0) }

    /// Adds received bytes.
    mutating func append(_ bytes: some Collection<UInt8>) {
        if readIndex == buffer.count {
            bufferOffset += buffer.count
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        } else if readIndex > 65_536, readIndex * 2 > buffer.count {
            bufferOffset += readIndex
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// Adds received bytes and hands every message they complete to `deliver`, in order. Messages
    /// that lie wholly inside `bytes` with nothing buffered before them are copied straight out of
    /// `bytes`: the usual case (a message per DATA frame) never fills the buffer.
    mutating func receive(
        _ bytes: UnsafeRawBufferPointer, _ deliver: (ReceivedMessage) -> Void
    ) throws(DeframeError) {
        var position = 0
        if bodyOffset >= 0 {
            position = min(bodyLength - body.count, bytes.count)
            body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[..<position]))
            if body.count < bodyLength { return }
            let message = ReceivedMessage(compressed: bodyCompressed, bytes: body)
            body = []
            // The stream offset of bytes[position] is the end of this message.
            bufferOffset = bodyOffset + 5 + bodyLength - position
            bodyOffset = -1
            deliver(message)
        }
        if readIndex == buffer.count {
            bufferOffset += buffer.count
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
            while bytes.count - position >= 5 {
                let flag = bytes[position]
                guard flag <= 1 else { throw .invalidFlag(flag, offset: bufferOffset + position) }
                let length =
                    Int(bytes[position + 1]) << 24 | Int(bytes[position + 2]) << 16 | Int(bytes[position + 3]) << 8
                    | Int(bytes[position + 4])
                guard length <= maxMessageSize else { throw .messageTooLarge(size: length, limit: maxMessageSize) }
                let start = position + 5
                guard bytes.count - start >= length else {
                    // The body goes on in later chunks: straight into its own array, not via the buffer.
                    startBody(length: length, compressed: flag == 1, offset: bufferOffset + position)
                    body.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start...]))
                    return
                }
                deliver(ReceivedMessage(compressed: flag == 1, bytes: Array(bytes[start..<start + length])))
                position = start + length
            }
            bufferOffset += position
            if position == bytes.count { return }
        }
        append(UnsafeRawBufferPointer(rebasing: bytes[position...]))
        while let message = try next() { deliver(message) }
        // next() left a message whose prefix (checked) is here and whose body is not complete:
        // its bytes go to an array of its final size from now on.
        if buffer.count - readIndex >= 5 {
            let length =
                Int(buffer[readIndex + 1]) << 24 | Int(buffer[readIndex + 2]) << 16 | Int(buffer[readIndex + 3]) << 8
                | Int(buffer[readIndex + 4])
            startBody(length: length, compressed: buffer[readIndex] == 1, offset: bufferOffset + readIndex)
            body.append(contentsOf: buffer[(readIndex + 5)...])
            buffer.removeAll(keepingCapacity: true)
            readIndex = 0
        }
    }

    private mutating func startBody(length: Int, compressed: Bool, offset: Int) {
        bodyLength = length
        bodyCompressed = compressed
        bodyOffset = offset
        body.reserveCapacity(length)
    }

    /// The next complete message, or nil when more bytes are needed.
    mutating func next() throws(DeframeError) -> ReceivedMessage? {
        let available = buffer.count - readIndex
        guard available >= 5 else { return nil }
        let flag = buffer[readIndex]
        guard flag <= 1 else { throw .invalidFlag(flag, offset: bufferOffset + readIndex) }
        let length =
            Int(buffer[readIndex + 1]) << 24 | Int(buffer[readIndex + 2]) << 16 | Int(buffer[readIndex + 3]) << 8
            | Int(buffer[readIndex + 4])
        guard length <= maxMessageSize else { throw .messageTooLarge(size: length, limit: maxMessageSize) }
        guard available >= 5 + length else { return nil }
        let start = readIndex + 5
        let message = ReceivedMessage(compressed: flag == 1, bytes: Array(buffer[start..<start + length]))
        readIndex = start + length
        return message
    }

    /// Call at end of stream: throws when a partial message is left over.
    func finish() throws(DeframeError) {
        if bodyOffset >= 0 {
            throw .truncated(have: 5 + body.count, need: 5 + bodyLength, offset: bodyOffset)
        }
        let available = buffer.count - readIndex
        guard available > 0 else { return }
        var need = 5
        if available >= 5 {
            need +=
                Int(buffer[readIndex + 1]) << 24 | Int(buffer[readIndex + 2]) << 16
                | Int(buffer[readIndex + 3]) << 8 | Int(buffer[readIndex + 4])
        }
        throw .truncated(have: available, need: need, offset: bufferOffset + readIndex)
    }
}
