import Testing
@testable import H2RPC

/// HealthClient against our HealthService over real sockets.
@Suite struct HealthClientTests {
    func withHealthServer(_ body: (HealthService, HealthClient) async throws -> Void) async throws {
        let health = HealthService()
        try await withServer(services: [health]) { _, channel, _ in
            try await body(health, HealthClient(channel: channel))
        }
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

    @Test func listReturnsEveryKnownService() async throws {
        try await withHealthServer { health, client in
            health.setStatus(.notServing, for: "echo.Echo")
            health.setStatus(.serving, for: "other.Svc")
            let all = try await client.list().mapValues(\.status)
            #expect(all == ["": .serving, "echo.Echo": .notServing, "other.Svc": .serving])
        }
    }

    // Bad input (for the server): more services than List answers with.
    @Test func listOfTooManyServicesIsResourceExhausted() async throws {
        try await withHealthServer { health, client in
            for i in 0..<HealthService.listLimit { health.setStatus(.serving, for: "svc.\(i)") }  // + "" = one too many
            do {
                _ = try await client.list()
                Issue.record("List of \(HealthService.listLimit + 1) services succeeded")
            } catch let error as RPCError {
                #expect(error.code == .resourceExhausted)
            }
            health.clearStatus(for: "svc.0")
            #expect(try await client.list().count == HealthService.listLimit)
        }
    }

    // Wire bytes per protobuf's rules: field 1, entry { 1: "a", 2: { 1: 1 } } → 0A 07 0A 01 61 12 02 08 01.
    @Test func listResponseEncodesAsTheProtoSays() throws {
        let response = HealthListResponse(statuses: ["a": HealthCheckResponse(status: .serving)])
        #expect(response.serializedBytes() == [0x0A, 0x07, 0x0A, 0x01, 0x61, 0x12, 0x02, 0x08, 0x01])
        #expect(try HealthListResponse(serializedBytes: response.serializedBytes()) == response)
    }

    @Test func gracefulShutdownReportsNotServingAndFreezes() async throws {
        try await withHealthServer { health, client in
            health.setStatus(.serving, for: "echo.Echo")
            let watch = try await client.watch(service: "echo.Echo")
            var updates = watch.makeAsyncIterator()
            #expect(try await updates.next()?.status == .serving)
            health.enterGracefulShutdown()
            #expect(try await updates.next()?.status == .notServing)
            health.setStatus(.serving, for: "echo.Echo")
            health.clearStatus(for: "echo.Echo")
            #expect(try await client.check(service: "echo.Echo").status == .notServing)
            #expect(try await client.check().status == .notServing)
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
