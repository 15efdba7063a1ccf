import Testing
@testable import H2RPC

/// Runs `body` with an `RPCServer` serving `services` on 127.0.0.1 (one loop) and a channel to it;
/// closes both afterwards, also when `body` throws.
func withServer(
    services: [any RPCService], _ configure: (inout RPCServer.Configuration) -> Void = { _ in },
    interceptors: [any ServerInterceptor] = [], channelConfiguration: RPCChannel.Configuration = .init(),
    _ body: (RPCServer, RPCChannel, Int) async throws -> Void
) async throws {
    var config = RPCServer.Configuration()
    config.loopCount = 1
    configure(&config)
    let server = RPCServer(services: services, interceptors: interceptors, configuration: config)
    let port = try await server.start(host: "127.0.0.1", port: 0)
    let channel = try RPCChannel(target: "127.0.0.1:\(port)", configuration: channelConfiguration)
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

/// `withServer` serving `TestEchoService` with `probe`.
func withEchoServer(
    probe: HandlerProbe, _ configure: (inout RPCServer.Configuration) -> Void = { _ in },
    interceptors: [any ServerInterceptor] = [], channelConfiguration: RPCChannel.Configuration = .init(),
    _ body: (RPCServer, RPCChannel, Int) async throws -> Void
) async throws {
    try await withServer(
        services: [TestEchoService(probe: probe)], configure, interceptors: interceptors,
        channelConfiguration: channelConfiguration, body)
}

/// Awaits `body`, which must fail with `code`; returns the error.
@discardableResult
func expectStatus(_ code: StatusCode, _ body: () async throws -> Void) async -> RPCError? {
    do {
        try await body()
        Issue.record("expected \(code), the call succeeded")
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)")
        return error
    } catch {
        Issue.record("unexpected \(error)")
    }
    return nil
}
