import Testing
@testable import H2RPC

/// HealthClient against our HealthService over real sockets.
@Suite struct HealthClientTests {
    func withHealthServer(_ body: (HealthService, HealthClient) async throws -> Void) async throws {
        let health = HealthService()
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [health], configuration: config)
        let port = try await server.start(port: 0)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        do {
            try await body(health, HealthClient(channel: channel))
        } catch {
            await channel.close()
            await server.shutdown(gracePeriod: .seconds(1))
            throw error
        }
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func checkReportsStatusesAndNotFound() async throws {
        try await withHealthServer { health, client in
            #expect(try await client.check().status == .serving)
            health.setStatus(.notServing, for: "echo.Echo")
            #expect(try await client.check(service: "echo.Echo").status == .notServing)
            do {
                _ = try await client.check(service: "no.such.Service")
                Issue.record("Check of an unknown service succeeded")
            } catch let error as RPCError {
                #expect(error.code == .notFound)
            }
        }
    }

    @Test func watchSeesUnknownThenEachChange() async throws {
        try await withHealthServer { health, client in
            let watch = try await client.watch(service: "later")
            var updates = watch.makeAsyncIterator()
            #expect(try await updates.next()?.status == .serviceUnknown)
            health.setStatus(.serving, for: "later")
            #expect(try await updates.next()?.status == .serving)
            health.setStatus(.notServing, for: "later")
            #expect(try await updates.next()?.status == .notServing)
            health.clearStatus(for: "later")
            #expect(try await updates.next()?.status == .serviceUnknown)
            watch.cancel()
        }
    }

    @Test func checkWithoutAHealthServiceIsUnimplemented() async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [], configuration: config)
        let port = try await server.start(port: 0)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        do {
            _ = try await HealthClient(channel: channel).check()
            Issue.record("Check succeeded on a server without the health service")
        } catch {
            #expect(error.code == .unimplemented)
        }
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
