public import ProtoWire

/// The requests of a client- or bidi-streaming call, in arrival order. Ends when the client
/// half-closes; throws ``RPCError`` when the call fails (cancelled, deadline, bad message).
/// Iterate it once.
public struct RequestStream<Message: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias Failure = RPCError

    let call: ServerCall

    init(call: ServerCall) { self.call = call }

    /// Iterator over the requests.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let call: ServerCall

        /// The next request, or nil after the client's half-close.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(RPCError) -> Message? {
            try await call.receive()
        }

        /// The next request, or nil after the client's half-close.
        public mutating func next() async throws(RPCError) -> Message? {
            try await call.receive()
        }
    }

    /// Returns the iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(call: call) }
}
