public import ProtoWire

/// A client-streaming call in progress: send requests, then `finish()` for the one response.
/// Dropping it unfinished cancels the call.
public struct ClientStreamingCall<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    let owner: ClientCallOwner
    let observers: ClientObservers

    init(owner: ClientCallOwner, observers: ClientObservers = .none) {
        self.owner = owner
        self.observers = observers
    }

    /// Sends one request (compressed per the call's options). Suspends while flow control holds it.
    public func send(_ request: Request) async throws(RPCError) {
        try await observers.send(request, on: owner.call, compressed: nil)
    }

    /// Sends one request, compressed or not regardless of the options (compression still needs
    /// ``CallOptions/compression`` to name an algorithm).
    public func send(_ request: Request, compressed: Bool) async throws(RPCError) {
        try await observers.send(request, on: owner.call, compressed: compressed)
    }

    /// Closes the request side and waits for the response.
    public func finish() async throws(RPCError) -> Response {
        try await finishWithMetadata().message
    }

    /// Closes the request side and waits for the response and its metadata.
    public func finishWithMetadata() async throws(RPCError) -> RPCResponse<Response> {
        owner.call.halfClose()
        let call = try await owner.responseCall()
        var message: Response = try await call.receiveSingle()
        if !observers.isEmpty { message = try await observers.received(message) }
        return RPCResponse(
            message: message, initialMetadata: try await call.initialMetadata(),
            trailingMetadata: await call.trailingMetadata())
    }

    /// Resets the stream; the call ends with CANCELLED.
    public func cancel() { owner.call.cancel() }
}

/// The responses of a call, in order. Ends after an OK status; throws the status otherwise.
public struct ResponseStream<Message: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Message
    public typealias Failure = RPCError

    let owner: ClientCallOwner
    let observers: ClientObservers

    /// Iterator over the responses.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let owner: ClientCallOwner
        let observers: ClientObservers

        /// The next response, or nil after an OK status.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(RPCError) -> Message? {
            try await observers.receive(from: owner.responseCall())
        }

        /// The next response, or nil after an OK status.
        public mutating func next() async throws(RPCError) -> Message? {
            try await observers.receive(from: owner.responseCall())
        }
    }

    /// Returns the iterator.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(owner: owner, observers: observers) }
}

/// A server-streaming call in progress: iterate it for the responses.
public struct ServerStreamingCall<Response: ProtoMessage>: AsyncSequence, Sendable {
    public typealias Element = Response
    public typealias Failure = RPCError

    let owner: ClientCallOwner
    let observers: ClientObservers

    init(owner: ClientCallOwner, observers: ClientObservers = .none) {
        self.owner = owner
        self.observers = observers
    }

    /// Returns the iterator over the responses.
    public func makeAsyncIterator() -> ResponseStream<Response>.AsyncIterator {
        ResponseStream<Response>.AsyncIterator(owner: owner, observers: observers)
    }

    /// Metadata from the response headers; throws the call's error when it failed before them.
    public func initialMetadata() async throws(RPCError) -> Metadata {
        try await owner.responseCall().initialMetadata()
    }

    /// Metadata from the trailers; waits for the end of the call.
    public func trailingMetadata() async -> Metadata {
        guard let call = try? await owner.responseCall() else { return Metadata() }
        return await call.trailingMetadata()
    }

    /// Resets the stream; the call ends with CANCELLED.
    public func cancel() { owner.call.cancel() }
}

/// A bidirectional-streaming call in progress: send requests, `finish()` to half-close, iterate
/// `responses`. Dropping it unfinished cancels the call.
public struct BidiStreamingCall<Request: ProtoMessage, Response: ProtoMessage>: Sendable {
    let owner: ClientCallOwner
    let observers: ClientObservers

    init(owner: ClientCallOwner, observers: ClientObservers = .none) {
        self.owner = owner
        self.observers = observers
    }

    /// The responses, in order.
    public var responses: ResponseStream<Response> { ResponseStream(owner: owner, observers: observers) }

    /// Sends one request. Suspends while flow control holds it.
    public func send(_ request: Request) async throws(RPCError) {
        try await observers.send(request, on: owner.call, compressed: nil)
    }

    /// Sends one request, compressed or not regardless of the options.
    public func send(_ request: Request, compressed: Bool) async throws(RPCError) {
        try await observers.send(request, on: owner.call, compressed: compressed)
    }

    /// Closes the request side; responses keep coming until the server ends the call.
    public func finish() { owner.call.halfClose() }

    /// Metadata from the response headers; throws the call's error when it failed before them.
    public func initialMetadata() async throws(RPCError) -> Metadata {
        try await owner.responseCall().initialMetadata()
    }

    /// Metadata from the trailers; waits for the end of the call.
    public func trailingMetadata() async -> Metadata {
        guard let call = try? await owner.responseCall() else { return Metadata() }
        return await call.trailingMetadata()
    }

    /// Resets the stream; the call ends with CANCELLED.
    public func cancel() { owner.call.cancel() }
}
