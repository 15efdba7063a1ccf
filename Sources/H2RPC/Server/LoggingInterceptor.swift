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
            logger.notice("served \(context.path) \(context.statusCode(of: error)) in \(ContinuousClock.now - started)")
            throw error
        }
    }

    public func finished(path: String, error: RPCError?, duration: Duration) {
        if let error {
            logger.notice("called \(path) \(error.code) in \(duration): \(error.message)")
        } else {
            logger.info("called \(path) OK in \(duration)")
        }
    }
}
