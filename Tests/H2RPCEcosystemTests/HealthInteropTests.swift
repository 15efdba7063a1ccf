import H2RPC
import Testing

/// HealthClient against Python's grpcio-health-checking server (health_server.py).
@Suite struct HealthInteropTests {
    @Test func checkAndWatchAgainstGrpcioHealthServer() async throws {
        let (peer, port) = try await TestPaths.startPythonPeer("health_server.py", [])
        defer {
            peer.closeStdin()
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
            path: "/h2rpc.test.HealthControl/Set", request: HealthCheckRequest(service: "later=SERVING"),
            as: HealthCheckResponse.self)
        #expect(try await updates.next()?.status == .serving)
        _ = try await channel.unary(
            path: "/h2rpc.test.HealthControl/Set", request: HealthCheckRequest(service: "later=NOT_SERVING"),
            as: HealthCheckResponse.self)
        #expect(try await updates.next()?.status == .notServing)
        watch.cancel()
        // grpcio-health-checking's servicer (1.85) leaves List unimplemented: HealthClient reports it as such.
        let list = await rpcError { _ = try await health.list() }
        #expect(list?.code == .unimplemented)
        await channel.close()
    }

    /// grpcio-health-checking's client calls our HealthService's List.
    @Test func grpcioClientListsOurServices() async throws {
        let health = HealthService()
        health.setStatus(.notServing, for: "echo.Echo")
        try await withServer([health]) { _, _, port in
            let peer = try PeerProcess(
                try TestPaths.python3(), ["-u", TestPaths.python + "/health_list_client.py", "--port", "\(port)"])
            var lines: [String] = []
            while let line = try await peer.readLine(), line != "end" { lines.append(line) }
            #expect(lines == ["<server>=SERVING", "echo.Echo=NOT_SERVING"])
            #expect(try await peer.waitForExit() == 0)
        }
    }
}
