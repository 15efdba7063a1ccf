public import CoreMetrics
public import H2RPC
public import ProtoWire

/// Server call metrics through swift-metrics: calls started and finished, their duration, and
/// messages received and sent, per method and status (labels in ``RPCMetricNames``).
public struct ServerMetricsInterceptor: ServerInterceptor {
    private let factory: (any MetricsFactory)?

    /// Metrics go to `factory`, or to `MetricsSystem.factory` (read at each call) when nil.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    private var metrics: any MetricsFactory { factory ?? MetricsSystem.factory }

    private static func method(_ context: ServerContext) -> String {
        context.path.hasPrefix("/") ? String(context.path.dropFirst()) : context.path
    }

    public func intercept(context: ServerContext, next: () async throws -> Void) async throws {
        let metrics = self.metrics
        let method = Self.method(context)
        Counter(label: RPCMetricNames.serverStarted, dimensions: [(RPCMetricNames.method, method)], factory: metrics)
            .increment()
        let started = ContinuousClock.now
        var failure: (any Error)?
        do {
            try await next()
        } catch {
            failure = error
        }
        let elapsed = ContinuousClock.now - started
        let dimensions = [
            (RPCMetricNames.method, method), (RPCMetricNames.statusCode, "\(context.statusCode(of: failure))"),
        ]
        CoreMetrics.Timer(label: RPCMetricNames.serverDuration, dimensions: dimensions, factory: metrics)
            .recordNanoseconds(elapsed.nanoseconds)
        Counter(label: RPCMetricNames.serverFinished, dimensions: dimensions, factory: metrics).increment()
        if let failure { throw failure }
    }

    public func received<Message: ProtoMessage>(
        _ message: Message, context: ServerContext
    ) async throws(RPCError) -> Message {
        Counter(
            label: RPCMetricNames.serverMessagesReceived, dimensions: [(RPCMetricNames.method, Self.method(context))],
            factory: metrics
        )
        .increment()
        return message
    }

    public func sending<Message: ProtoMessage>(
        _ message: Message, context: ServerContext
    ) async throws(RPCError) -> Message {
        Counter(
            label: RPCMetricNames.serverMessagesSent, dimensions: [(RPCMetricNames.method, Self.method(context))],
            factory: metrics
        )
        .increment()
        return message
    }
}

extension Duration {
    /// The whole duration in nanoseconds (saturating).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return seconds < 0 ? .min : .max }
        return scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}
