import H2RPC
import H2RPCRichErrors

/// `/richerrors.Test/Fail` fails with a rich error (what rich_errors_peer.py's client expects);
/// `/richerrors.Test/FailAfterOne` (server streaming) sends one message first, so that its
/// details travel in trailers after a response head instead of a Trailers-Only block.
/// Messages are HealthCheckRequest: any message does, the methods ignore the request.
struct RichErrorService: RPCService {
    static var error: RPCError {
        RPCError(
            code: .invalidArgument, message: "name is empty: ça ne va pas",
            details: [
                .badRequest(violations: [("name", "must not be empty")]),
                .errorInfo(reason: "EMPTY_NAME", domain: "h2rpc.test", metadata: ["field": "name"]),
            ],
            trailingMetadata: Metadata([("x-request-id", "r-17")]))
    }

    var methods: [RPCMethod] {
        [
            .unary(path: "/richerrors.Test/Fail", service: self) {
                (_: RichErrorService, _: HealthCheckRequest, _: ServerContext) -> HealthCheckRequest in
                throw Self.error
            },
            .serverStreaming(path: "/richerrors.Test/FailAfterOne", service: self) {
                (
                    _: RichErrorService, request: HealthCheckRequest, out: ResponseWriter<HealthCheckRequest>,
                    _: ServerContext
                ) in
                try await out.send(request)
                throw Self.error
            },
        ]
    }
}

/// `/signals.Echo/Chat`: echoes each request (bidirectional).
struct ChatService: RPCService {
    var methods: [RPCMethod] {
        [
            .bidiStreaming(path: "/signals.Echo/Chat", service: self) {
                (
                    _: ChatService, requests: RequestStream<HealthCheckRequest>,
                    out: ResponseWriter<HealthCheckRequest>, _: ServerContext
                ) in
                for try await request in requests { try await out.send(request) }
            }
        ]
    }
}

/// Runs `body` with a started server of `services` and a channel to it, each with its
/// interceptors; shuts both down after.
func withServer(
    _ services: [any RPCService], serverInterceptors: [any ServerInterceptor] = [],
    clientInterceptors: [any ClientInterceptor] = [],
    _ body: (RPCServer, RPCChannel, Int) async throws -> Void
) async throws {
    var config = RPCServer.Configuration()
    config.loopCount = 1
    let server = RPCServer(services: services, interceptors: serverInterceptors, configuration: config)
    let port = try await server.start(port: 0)
    var channelConfig = RPCChannel.Configuration()
    channelConfig.interceptors = clientInterceptors
    let channel = try RPCChannel(target: "127.0.0.1:\(port)", configuration: channelConfig)
    do {
        try await body(server, channel, port)
    } catch {
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
        throw error
    }
    await channel.close()
    await server.shutdown(gracePeriod: .seconds(1))
}

/// The RPCError a call failed with; records an issue when it succeeded or failed otherwise.
func rpcError(_ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
    } catch let error as RPCError {
        return error
    } catch {
        return nil
    }
    return nil
}
