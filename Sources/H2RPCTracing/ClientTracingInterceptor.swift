public import H2RPC
public import Tracing

/// A client span per call (swift-distributed-tracing), its context propagated to the server in
/// the request metadata by the tracer's instrument (a W3C Trace Context tracer writes
/// `traceparent` and `tracestate`).
///
/// The span is named `package.Service/Method`, of kind `.client`, a child of the task's
/// `ServiceContext.current`, and carries the OpenTelemetry RPC attributes (semconv 1.39):
/// `rpc.system.name` = `grpc`, `rpc.method`, `server.address`/`server.port` when given, and at
/// the end `rpc.status_code` (the code's name, e.g. `DEADLINE_EXCEEDED`); a call that does not end
/// OK also gets `error.type` and an error status.
public struct ClientTracingInterceptor: ClientInterceptor {
    private let tracer: (any Tracer)?
    private let serverAddress: String?
    private let serverPort: Int?

    /// Spans go to `tracer`, or to `InstrumentationSystem.tracer` (read at each call) when nil.
    /// `serverAddress` and `serverPort` name the target as the user gave it (not resolved).
    public init(tracer: (any Tracer)? = nil, serverAddress: String? = nil, serverPort: Int? = nil) {
        self.tracer = tracer
        self.serverAddress = serverAddress
        self.serverPort = serverPort
    }

    public func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError)
        -> (any ClientCallObserver)?
    {
        let tracer = self.tracer ?? InstrumentationSystem.tracer
        let span = tracer.startSpan(call.fullMethodName, context: ServiceContext.current ?? .topLevel, ofKind: .client)
        span.attributes[RPCSpanAttributes.system] = "grpc"
        span.attributes[RPCSpanAttributes.method] = call.fullMethodName
        if let serverAddress { span.attributes[RPCSpanAttributes.serverAddress] = serverAddress }
        if let serverPort { span.attributes[RPCSpanAttributes.serverPort] = serverPort }
        tracer.inject(span.context, into: &options.metadata, using: MetadataInjector())
        return ClientSpanObserver(span: span)
    }
}

/// Ends the client span with the call's status.
private struct ClientSpanObserver: ClientCallObserver {
    let span: any Span

    func finished(status: RPCError?, trailingMetadata: Metadata) {
        RPCSpanAttributes.record(status?.code ?? .ok, message: status?.message, on: span, isError: status != nil)
        span.end()
    }
}
