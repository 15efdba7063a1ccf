/// A gRPC server: serves the given services over HTTP/2 (plaintext, h2c with prior knowledge).
///
/// ```swift
/// let server = RPCServer(services: [EchoService()])
/// try await server.run(port: 8080)   // until cancelled or shutdown()
/// ```
public final class RPCServer: Sendable {
    let core: ServerCore

    /// A server for `services`, with `interceptors` around every call (first = outermost).
    public init(
        services: [any RPCService], interceptors: [any ServerInterceptor] = [], configuration: Configuration = Configuration()
    ) {
        core = ServerCore(services: services, interceptors: interceptors, configuration: configuration)
    }

    /// RPCs in flight right now.
    public var activeRPCs: Int { core.activeRPCs }
}
