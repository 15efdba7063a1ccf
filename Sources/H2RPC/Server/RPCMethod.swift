public import ProtoWire

/// One routable RPC: its path, its kind, and a type-erased body that decodes requests, calls
/// the typed handler and encodes responses. Built by generated code through the four factories.
public struct RPCMethod: Sendable {
    /// The four kinds of gRPC call.
    public enum Kind: Sendable, Hashable {
        /// One request, one response.
        case unary
        /// A stream of requests, one response.
        case clientStreaming
        /// One request, a stream of responses.
        case serverStreaming
        /// Streams both ways.
        case bidiStreaming
    }

    /// `/package.Service/Method`.
    public let path: String
    /// The call kind.
    public let kind: Kind
    /// Runs the call to its end; returning normally means status OK.
    let run: @Sendable (ServerCall) async throws -> Void

    /// A unary method: `body` gets the one request and returns the one response.
    public static func unary<S: Sendable, Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, service: S, _ body: @escaping @Sendable (S, Req, ServerContext) async throws -> Resp
    ) -> RPCMethod {
        RPCMethod(path: path, kind: .unary) { call in
            let request: Req = try await call.receiveSingle()
            let response = try await body(service, request, call.context)
            try await call.send(response, compressed: nil)
        }
    }

    /// A client-streaming method: `body` reads the requests and returns the one response.
    public static func clientStreaming<S: Sendable, Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, service: S,
        _ body: @escaping @Sendable (S, RequestStream<Req>, ServerContext) async throws -> Resp
    ) -> RPCMethod {
        RPCMethod(path: path, kind: .clientStreaming) { call in
            let response = try await body(service, RequestStream(call: call), call.context)
            try await call.send(response, compressed: nil)
        }
    }

    /// A server-streaming method: `body` gets the one request and writes responses.
    public static func serverStreaming<S: Sendable, Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, service: S,
        _ body: @escaping @Sendable (S, Req, ResponseWriter<Resp>, ServerContext) async throws -> Void
    ) -> RPCMethod {
        RPCMethod(path: path, kind: .serverStreaming) { call in
            let request: Req = try await call.receiveSingle()
            try await body(service, request, ResponseWriter(call: call), call.context)
        }
    }

    /// A bidirectional-streaming method: `body` reads requests and writes responses as it likes.
    public static func bidiStreaming<S: Sendable, Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, service: S,
        _ body: @escaping @Sendable (S, RequestStream<Req>, ResponseWriter<Resp>, ServerContext) async throws -> Void
    ) -> RPCMethod {
        RPCMethod(path: path, kind: .bidiStreaming) { call in
            try await body(service, RequestStream(call: call), ResponseWriter(call: call), call.context)
        }
    }
}
