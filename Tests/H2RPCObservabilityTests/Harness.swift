import H2RPC
import ProtoWire
import Synchronization

/// `/obs.Test/Echo` answers with the request and records the `traceparent` it received;
/// `/obs.Test/Fail` fails with the code named by the request's text; `/obs.Test/Chat` echoes a stream.
struct ObservedService: RPCService {
    let seen: SeenMetadata

    var methods: [RPCMethod] {
        [
            .unary(path: "/obs.Test/Echo", service: self) {
                (service: ObservedService, request: HealthCheckRequest, context: ServerContext) -> HealthCheckRequest in
                service.seen.record(context.requestMetadata["traceparent"])
                return request
            },
            .unary(path: "/obs.Test/Fail", service: self) {
                (_: ObservedService, request: HealthCheckRequest, _: ServerContext) -> HealthCheckRequest in
                throw RPCError(
                    code: request.service == "internal" ? .internal : .notFound, message: "failed on purpose")
            },
            .bidiStreaming(path: "/obs.Test/Chat", service: self) {
                (
                    _: ObservedService, requests: RequestStream<HealthCheckRequest>,
                    out: ResponseWriter<HealthCheckRequest>, _: ServerContext
                ) in
                for try await request in requests { try await out.send(request) }
            },
        ]
    }
}

/// What the server saw of the propagation header, for the test to compare.
final class SeenMetadata: Sendable {
    private let values = Mutex<[String?]>([])
    func record(_ value: String?) { values.withLock { $0.append(value) } }
    var all: [String?] { values.withLock { $0 } }
}

/// Runs `body` with a started server and a channel to it over loopback, each with its interceptors.
func withObservedServer(
    seen: SeenMetadata = SeenMetadata(), server serverInterceptors: [any ServerInterceptor],
    client clientInterceptors: [any ClientInterceptor],
    _ body: (RPCChannel, Int) async throws -> Void
) async throws {
    var config = RPCServer.Configuration()
    config.loopCount = 1
    let server = RPCServer(
        services: [ObservedService(seen: seen)], interceptors: serverInterceptors, configuration: config)
    let port = try await server.start(port: 0)
    var channelConfig = RPCChannel.Configuration()
    channelConfig.interceptors = clientInterceptors
    let channel = try RPCChannel(target: "127.0.0.1:\(port)", configuration: channelConfig)
    do {
        try await body(channel, port)
    } catch {
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
        throw error
    }
    await channel.close()
    await server.shutdown(gracePeriod: .seconds(1))
}

/// The RPCError `body` failed with, nil when it succeeded.
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
