import H2RPC
import Testing

/// HealthClient against Python's grpcio-health-checking server (health_server.py).
@Suite struct HealthInteropTests {
    @Test func checkAndWatchAgainstGrpcioHealthServer() async throws {
        let (peer, port) = try TestPaths.startPythonPeer("health_server.py", [])
        defer {
            peer.closeStdin()
            _ = peer.waitForExit()
        }
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let health = HealthClient(channel: channel)
        #expect(try await health.check().status == .serving)
        #expect(try await health.check(service: "echo.Echo").status == .notServing)
        let missing = await rpcError { _ = try await health.check(service: "no.such.Service") }
        #expect(missing?.code == .notFound)

        let watch = try await health.watch(service: "later")
        var updates = watch.makeAsyncIterator()
        #expect(try await updates.next()?.status == .serviceUnknown)
        _ = try await channel.unary(
            path: "/h2rpc.test.HealthControl/Set", request: HealthCheckRequest(service: "later=SERVING"), as: HealthCheckResponse.self)
        #expect(try await updates.next()?.status == .serving)
        _ = try await channel.unary(
            path: "/h2rpc.test.HealthControl/Set", request: HealthCheckRequest(service: "later=NOT_SERVING"),
            as: HealthCheckResponse.self)
        #expect(try await updates.next()?.status == .notServing)
        watch.cancel()
        await channel.close()
    }
}
