/// A unary or client-streaming call's response with the metadata that came with it.
public struct RPCResponse<Message: Sendable>: Sendable {
    /// The response message.
    public var message: Message
    /// Metadata from the response headers.
    public var initialMetadata: Metadata
    /// Metadata from the trailers.
    public var trailingMetadata: Metadata
}
