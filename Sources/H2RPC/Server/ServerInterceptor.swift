/// Code that runs around every server call: logging, authentication, metrics.
///
/// Interceptors run in the order given to ``RPCServer``, each wrapping the next and finally the
/// handler. Throw an ``RPCError`` (e.g. UNAUTHENTICATED) to refuse the call without running it;
/// the status of the call is what `next` throws (or OK when it returns).
public protocol ServerInterceptor: Sendable {
    /// Runs `next` (the rest of the chain and the handler) or refuses the call by throwing.
    func intercept(context: ServerContext, next: () async throws -> Void) async throws
}
