public import H2RPC
public import Tracing

/// A server span per call (swift-distributed-tracing), a child of the context the client
/// propagated in its request metadata (read by the tracer's instrument: `traceparent` for a W3C
/// Trace Context tracer). The handler runs with the span's context as `ServiceContext.current`,
/// so spans it starts are children of it.
///
/// The span is named `package.Service/Method`, of kind `.server`, with the OpenTelemetry RPC
/// attributes (semconv 1.39): `rpc.system.name` = `grpc`, `rpc.method`, `server.address`/
/// `server.port` (the address the client connected to), `network.peer.address`/`network.peer.port`
/// (the client's), and at the end `rpc.status_code` (the code's name). A call that does not end OK
/// gets `error.type`; the span's status is set to error only for the codes that are the server's
/// failure (UNKNOWN, DEADLINE_EXCEEDED, UNIMPLEMENTED, INTERNAL, UNAVAILABLE, DATA_LOSS).
public struct ServerTracingInterceptor: ServerInterceptor {
    private let tracer: (any Tracer)?

    /// Spans go to `tracer`, or to `InstrumentationSystem.tracer` (read at each call) when nil.
    public init(tracer: (any Tracer)? = nil) {
        self.tracer = tracer
    }

    public func intercept(context: ServerContext, next: () async throws -> Void) async throws {
        let tracer = self.tracer ?? InstrumentationSystem.tracer
        var parent = ServiceContext.current ?? .topLevel
        tracer.extract(context.requestMetadata, into: &parent, using: MetadataExtractor())
        let method = context.path.hasPrefix("/") ? String(context.path.dropFirst()) : context.path
        let span = tracer.startSpan(method, context: parent, ofKind: .server)
        span.attributes[RPCSpanAttributes.system] = "grpc"
        span.attributes[RPCSpanAttributes.method] = method
        RPCSpanAttributes.record(
            context.localAddress, on: span, addressKey: RPCSpanAttributes.serverAddress,
            portKey: RPCSpanAttributes.serverPort)
        RPCSpanAttributes.record(
            context.remoteAddress, on: span, addressKey: RPCSpanAttributes.peerAddress,
            portKey: RPCSpanAttributes.peerPort)
        do {
            try await ServiceContext.$current.withValue(span.context) { try await next() }
        } catch {
            let code = context.statusCode(of: error)
            let message = (error as? RPCError)?.message
            RPCSpanAttributes.record(
                code, message: message, on: span, isError: RPCSpanAttributes.serverErrorCodes.contains(code))
            span.end()
            throw error
        }
        RPCSpanAttributes.record(.ok, message: nil, on: span, isError: false)
        span.end()
    }
}
