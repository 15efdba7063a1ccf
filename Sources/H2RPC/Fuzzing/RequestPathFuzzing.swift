/// The server's request path as one function of bytes, for the libFuzzer target in `FuzzTesting/`:
/// request headers through `RequestHead.parse` (and what it parses: `grpc-timeout`, `grpc-encoding`,
/// `-bin` metadata), then DATA bytes through `MessageDeframer` in chunks, then decompression of each
/// compressed message with the request's encoding under a size limit — what a hostile client controls
/// before any handler runs.
package enum RequestPathFuzzing {
    /// Limits small enough that a run stays fast, large enough to reach every branch.
    static let maxMessageSize = 64 * 1024
    static let maxDecompressedSize = 256 * 1024

    /// What one input did: whether the head was accepted, how many messages were deframed and
    /// decompressed, and the deframing error if the DATA was malformed.
    package struct Outcome: Sendable, Equatable {
        package var headAccepted = false
        package var messages = 0
        package var decompressed = 0
        package var deframeError: String?
    }

    /// Input layout: a byte N (header fields, N % 16), then N × (name length byte, name, value length
    /// byte, value), then a byte C (DATA chunk size C + 1), then the DATA bytes, fed in chunks of that size.
    /// Never traps on any input; every outcome is a parsed request or a typed rejection.
    @discardableResult
    package static func run(_ input: UnsafeRawBufferPointer) -> Outcome {
        var outcome = Outcome()
        var cursor = input[...]
        func byte() -> UInt8? {
            guard let b = cursor.first else { return nil }
            cursor = cursor.dropFirst()
            return b
        }
        func string() -> String? {
            guard let count = byte(), cursor.count >= Int(count) else { return nil }
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: cursor.prefix(Int(count))), as: UTF8.self)
            cursor = cursor.dropFirst(Int(count))
            return text
        }
        guard let fieldCount = byte() else { return outcome }
        var headers: [HeaderField] = []
        for _ in 0..<(fieldCount % 16) {
            guard let name = string(), let value = string() else { return outcome }
            headers.append(HeaderField(name, value))
        }
        let chunkSize = Int(byte() ?? 0) + 1
        guard case .success(let head) = RequestHead.parse(headers) else { return outcome }
        outcome.headAccepted = true
        var deframer = MessageDeframer(maxMessageSize: maxMessageSize)
        var messages: [ReceivedMessage] = []
        do throws(DeframeError) {
            while !cursor.isEmpty {
                let chunk = cursor.prefix(chunkSize)
                cursor = cursor.dropFirst(chunk.count)
                try deframer.receive(UnsafeRawBufferPointer(rebasing: chunk)) { messages.append($0) }
            }
            try deframer.finish()
        } catch {
            outcome.deframeError = error.description
        }
        outcome.messages = messages.count
        for message in messages where message.compressed && head.encoding != .identity {
            if (try? Zlib.decompress(message.bytes, format: head.encoding, limit: maxDecompressedSize)) != nil {
                outcome.decompressed += 1
            }
        }
        return outcome
    }
}
