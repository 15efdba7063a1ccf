public import ProtoWire

/// Code that runs around every server call: logging, authentication, tracing, metrics.
///
/// Interceptors run in the order given to ``RPCServer``, each wrapping the next and finally the
/// handler. Throw an ``RPCError`` (e.g. UNAUTHENTICATED) to refuse the call without running it;
/// the status of the call is what `next` throws (or OK when it returns), and an interceptor may
/// replace it by throwing another error. Each request message passes ``received(_:context:)``
/// (first interceptor first) before the handler sees it, and each response message passes
/// ``sending(_:context:)`` (last interceptor first) before it is sent; both may change it.
public protocol ServerInterceptor: Sendable {
    /// Runs `next` (the rest of the chain and the handler) or refuses the call by throwing.
    func intercept(context: ServerContext, next: () async throws -> Void) async throws
    /// A request message, decoded, before the handler gets it; returns it as the handler should
    /// see it. Throwing fails the handler's read with that status. Default: unchanged.
    func received<Message: ProtoMessage>(_ message: Message, context: ServerContext) async throws(RPCError) -> Message
    /// A response message the handler sends, before it is encoded; returns it as it should go out.
    /// Throwing fails the handler's send with that status. Default: unchanged.
    func sending<Message: ProtoMessage>(_ message: Message, context: ServerContext) async throws(RPCError) -> Message
}

extension ServerInterceptor {
    /// Default: runs `next`.
    public func intercept(context: ServerContext, next: () async throws -> Void) async throws {
        try await next()
    }
    /// Default: the message unchanged.
    public func received<Message: ProtoMessage>(
        _ message: Message, context: ServerContext
    ) async throws(RPCError) -> Message {
        message
    }
    /// Default: the message unchanged.
    public func sending<Message: ProtoMessage>(
        _ message: Message, context: ServerContext
    ) async throws(RPCError) -> Message {
        message
    }
}

extension ServerContext {
    /// The status a call ends with when its handler (or `next` in an interceptor) throws `error`:
    /// an ``RPCError``'s or ``RPCErrorConvertible``'s own; for a handler that threw because the
    /// call was cancelled, DEADLINE_EXCEEDED once the deadline has passed, else CANCELLED; UNKNOWN
    /// otherwise. Nil `error`: OK.
    public func statusCode(of error: (any Error)?) -> StatusCode {
        guard let error else { return .ok }
        if let error = error as? RPCError { return error.code }
        if let error = error as? any RPCErrorConvertible { return error.rpcError.code }
        guard error is CancellationError || isCancelled else { return .unknown }
        if let deadline, ContinuousClock.now >= deadline { return .deadlineExceeded }
        return .cancelled
    }
}
