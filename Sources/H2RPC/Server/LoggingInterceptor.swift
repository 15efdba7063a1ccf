public import struct Logging.Logger

/// Logs every call through swift-log: one line per call with its path, status and duration, at
/// `.info` for OK and `.notice` for failures. Use it on a server, a channel, or both.
public struct LoggingInterceptor: ServerInterceptor, ClientInterceptor {
    /// Where the lines go.
    public let logger: Logger

    /// Logs to `logger`.
    public init(logger: Logger) { self.logger = logger }

    public func intercept(context: ServerContext, next: () async throws -> Void) async throws {
        let started = ContinuousClock.now
        do {
            try await next()
            logger.info("served \(context.path) OK in \(ContinuousClock.now - started)")
        } catch {
            let status = (error as? RPCError)?.code ?? (error as? any RPCErrorConvertible)?.rpcError.code
                ?? Self.endedByPeerOrDeadline(context, error) ?? .unknown
            logger.notice("served \(context.path) \(status) in \(ContinuousClock.now - started)")
            throw error
        }
    }

    /// The status of a handler that threw because its call was cancelled (by the client, or by
    /// the deadline, which cancels it too): DEADLINE_EXCEEDED once the deadline has passed, else CANCELLED.
    private static func endedByPeerOrDeadline(_ context: ServerContext, _ error: any Error) -> StatusCode? {
        guard error is CancellationError || context.isCancelled else { return nil }
        if let deadline = context.deadline, ContinuousClock.now >= deadline { return .deadlineExceeded }
        return .cancelled
    }

    public func finished(path: String, error: RPCError?, duration: Duration) {
        if let error {
            logger.notice("called \(path) \(error.code) in \(duration): \(error.message)")
        } else {
            logger.info("called \(path) OK in \(duration)")
        }
    }
}
