public import ProtoWire

/// Sends the responses of a server- or bidi-streaming call. The first send also sends the
/// response headers (with ``ServerContext/responseMetadata``).
public struct ResponseWriter<Message: ProtoMessage>: Sendable {
    let call: ServerCall

    init(call: ServerCall) { self.call = call }

    /// Sends one response, compressed when ``ServerContext/compressResponses`` is on and the
    /// client accepts a supported algorithm. Suspends while HTTP/2 flow control holds the stream.
    /// - Throws: ``RPCError`` when the call has ended (cancelled, deadline) or the message is too large.
    public func send(_ message: Message) async throws(RPCError) {
        try await call.send(message, compressed: nil)
    }

    /// Sends one response, compressing it (`true`) or not (`false`) regardless of the context's setting.
    /// Compression still needs an algorithm the client accepts; without one the message goes uncompressed.
    public func send(_ message: Message, compressed: Bool) async throws(RPCError) {
        try await call.send(message, compressed: compressed)
    }
}
