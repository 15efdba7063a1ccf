public import CoreMetrics
public import H2RPC
import ProtoWire

/// Client call metrics through swift-metrics: calls started and finished, their duration, and
/// messages sent and received, per method and status (labels in ``RPCMetricNames``).
public struct ClientMetricsInterceptor: ClientInterceptor {
    private let factory: (any MetricsFactory)?

    /// Metrics go to `factory`, or to `MetricsSystem.factory` (read at each call) when nil.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory
    }

    public func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError)
        -> (any ClientCallObserver)?
    {
        let metrics = factory ?? MetricsSystem.factory
        let method = call.fullMethodName
        Counter(label: RPCMetricNames.clientStarted, dimensions: [(RPCMetricNames.method, method)], factory: metrics)
            .increment()
        return ClientCallMetrics(metrics: metrics, method: method, started: .now)
    }
}

/// Counts one call's messages and records its end.
private struct ClientCallMetrics: ClientCallObserver {
    let metrics: any MetricsFactory
    let method: String
    let started: ContinuousClock.Instant

    func sending<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message {
        Counter(
            label: RPCMetricNames.clientMessagesSent, dimensions: [(RPCMetricNames.method, method)], factory: metrics
        ).increment()
        return message
    }

    func received<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message {
        Counter(
            label: RPCMetricNames.clientMessagesReceived, dimensions: [(RPCMetricNames.method, method)],
            factory: metrics
        )
        .increment()
        return message
    }

    func finished(status: RPCError?, trailingMetadata: Metadata) {
        let dimensions = [(RPCMetricNames.method, method), (RPCMetricNames.statusCode, "\(status?.code ?? .ok)")]
        CoreMetrics.Timer(label: RPCMetricNames.clientDuration, dimensions: dimensions, factory: metrics)
            .recordNanoseconds((ContinuousClock.now - started).nanoseconds)
        Counter(label: RPCMetricNames.clientFinished, dimensions: dimensions, factory: metrics).increment()
    }
}
