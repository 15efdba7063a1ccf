import BenchProto
import Foundation
import Synchronization
import Testing
@testable import H2RPC
@testable import RPCBenchCore
@testable import RPCBenchServer

/// `load --proto grpc` over the channel's targets and options, against real servers on loopback:
/// round_robin over three servers, a server killed under load with and without a service config that
/// retries and waits for ready, every target form, and the errors for a bad policy or service config.
/// Runs are a fixed number of calls, never a time window.
@Suite struct GRPCChannelLoadTests {
    /// `bench.Echo` on an `RPCServer` of its own that counts the unary calls it answers.
    struct CountingServer {
        let server: RPCServer
        let port: Int
        let calls: Counter

        final class Counter: Sendable {
            let value = Atomic<Int>(0)
        }

        struct Service: Bench_Echo.ServiceProtocol {
            let echo = BenchEchoService()
            let calls: Counter

            func unary(request: Bench_Payload, context: ServerContext) async throws -> Bench_Payload {
                calls.value.add(1, ordering: .relaxed)
                return request
            }

            func pingPong(
                requests: RequestStream<Bench_Payload>, responses: ResponseWriter<Bench_Payload>,
                context: ServerContext
            ) async throws {
                try await echo.pingPong(requests: requests, responses: responses, context: context)
            }

            func download(
                request: Bench_DownloadRequest, responses: ResponseWriter<Bench_Payload>, context: ServerContext
            ) async throws {
                try await echo.download(request: request, responses: responses, context: context)
            }
        }

        static func start(host: String = "127.0.0.1", port: Int = 0) async throws -> CountingServer {
            var configuration = RPCServer.Configuration()
            configuration.loopCount = 1
            let calls = Counter()
            let server = RPCServer(services: [Service(calls: calls)], configuration: configuration)
            let bound = try await server.start(host: host, port: port)
            return CountingServer(server: server, port: bound, calls: calls)
        }

        var served: Int { calls.value.load(ordering: .relaxed) }
    }

    /// A service config that retries UNAVAILABLE quickly and waits for a READY connection.
    static let retryingConfig = """
        {"methodConfig": [{"name": [{"service": "bench.Echo"}], "waitForReady": true, "timeout": "30s",
          "retryPolicy": {"maxAttempts": 5, "initialBackoff": "0.01s", "maxBackoff": "0.1s",
            "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]}
        """

    static func writeTemporary(_ text: String, name: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("rpcbench-\(getpid())-\(name)").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func options(lb: String?, serviceConfig: String? = nil) throws -> GRPCChannelOptions {
        guard let serviceConfig else { return try GRPCChannelOptions.parse(loadBalancing: lb, serviceConfigFile: nil) }
        let path = try writeTemporary(serviceConfig, name: "\(UUID().uuidString).json")
        defer { unlink(path) }
        return try GRPCChannelOptions.parse(loadBalancing: lb, serviceConfigFile: path)
    }

    /// One channel (connection) to `target`, every address READY when `ready` says how many there are.
    static func connect(
        _ target: String, _ options: GRPCChannelOptions, ready: Int? = nil
    ) async throws -> GRPCBenchConnection {
        let client = GRPCBenchClient(channel: options)
        let connection = try #require(
            try await client.connect(to: try Target.parse(target, for: .grpc)) as? GRPCBenchConnection)
        if let ready { try await connection.channel.connection.waitForReadySubchannels(ready) }
        return connection
    }

    /// Exactly `calls` calls of `scenario`, no warm-up.
    static func plan(_ scenario: String, calls: Int) throws -> LoadPlan {
        LoadPlan(scenario: try Scenario.parse(scenario), duration: 1, warmup: 0, replyTimeout: 30, calls: calls)
    }

    @Test func roundRobinSpreadsCallsEvenlyOverThreeServers() async throws {
        let servers = [
            try await CountingServer.start(), try await CountingServer.start(), try await CountingServer.start(),
        ]
        let target = "ipv4:" + servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let connection = try await Self.connect(target, try Self.options(lb: "round_robin"), ready: 3)
        let driver = LoadDriver(
            plan: try Self.plan("unary-1x8-16B", calls: 600), label: "rr", peerDescription: "three servers")
        let measurement = try await driver.run(connections: [connection])
        await connection.close()
        for server in servers { await server.server.shutdown(gracePeriod: .seconds(1)) }

        #expect(measurement.calls == 600)
        #expect(measurement.errorCount == 0)
        let served = servers.map(\.served)
        #expect(served.reduce(0, +) == 600)
        // Within 10 % of an even share each.
        for count in served { #expect(abs(count - 200) <= 20, "calls per server: \(served)") }
    }

    @Test func pickFirstSendsEveryCallToTheFirstServer() async throws {
        let servers = [try await CountingServer.start(), try await CountingServer.start()]
        let target = "ipv4:" + servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let connection = try await Self.connect(target, try Self.options(lb: "pick_first"))
        let measurement = try await LoadDriver(
            plan: try Self.plan("unary-1x4-16B", calls: 200), label: "pf", peerDescription: "two servers"
        ).run(connections: [connection])
        await connection.close()
        for server in servers { await server.server.shutdown(gracePeriod: .seconds(1)) }
        #expect(measurement.calls == 200)
        #expect(servers.map(\.served) == [200, 0])
    }

    /// Kills one of three `rpcbench-server` processes once 300 of 3000 calls have succeeded.
    func killOneOfThreeUnderLoad(serviceConfig: String?) async throws -> LoadMeasurement {
        var children: [ChildServer] = []
        for _ in 0..<3 {
            children.append(try await ChildServer.start(kind: .grpc, extraArguments: ["--threads", "1"]))
        }
        let target = "ipv4:" + children.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let connection = try await Self.connect(
            target, try Self.options(lb: "round_robin", serviceConfig: serviceConfig), ready: 3)
        var driver = LoadDriver(
            plan: try Self.plan("unary-1x16-16B", calls: 3000), label: "kill", peerDescription: "three servers")
        let victim = children[1].pid
        driver.afterCalls = (300, { kill(victim, SIGKILL) })
        do {
            let measurement = try await driver.run(connections: [connection])
            await connection.close()
            for child in children { await child.stop() }
            return measurement
        } catch {
            await connection.close()
            for child in children { await child.stop() }
            throw error
        }
    }

    @Test func aServerKilledUnderLoadFailsNoCallWithRetriesAndWaitForReady() async throws {
        let measurement = try await killOneOfThreeUnderLoad(serviceConfig: Self.retryingConfig)
        #expect(measurement.errors == [:])
        #expect(measurement.calls == 3000)
    }

    @Test func aServerKilledUnderLoadWithoutRetriesCountsTheFailedCalls() async throws {
        let measurement = try await killOneOfThreeUnderLoad(serviceConfig: nil)
        #expect(measurement.errorCount > 0)
        #expect(Set(measurement.errors.keys) == ["UNAVAILABLE"], "\(measurement.errors)")
        // Every call of the budget either succeeded or was counted as failed.
        #expect(measurement.calls + measurement.errorCount == 3000)
    }

    /// Three servers restarted one by one (each shut down gracefully and started again on its port)
    /// while the load runs; the load is stopped only once the last one is back.
    @Test func aRollingRestartOfThreeServersUnderLoadFailsNoCall() async throws {
        var servers = [
            try await CountingServer.start(), try await CountingServer.start(), try await CountingServer.start(),
        ]
        let target = "ipv4:" + servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ",")
        let connection = try await Self.connect(
            target, try Self.options(lb: "round_robin", serviceConfig: Self.retryingConfig), ready: 3)
        let channel = connection.channel.connection
        let (underLoad, reached) = AsyncStream<Void>.makeStream()
        let stop = LoadStop()
        var driver = LoadDriver(
            plan: LoadPlan(scenario: try Scenario.parse("unary-1x8-16B"), duration: 3600, warmup: 0, replyTimeout: 30),
            label: "rolling", peerDescription: "three servers")
        driver.afterCalls = (200, { reached.yield() })
        driver.stop = stop
        let load = Task { [driver] in try await driver.run(connections: [connection]) }
        for await _ in underLoad { break }
        for k in servers.indices {
            await servers[k].server.shutdown(gracePeriod: .seconds(5))
            try await channel.waitForReadySubchannels(2)
            servers[k] = try await CountingServer.start(port: servers[k].port)
            try await channel.waitForReadySubchannels(3)
        }
        stop.request()
        let measurement = try await load.value
        await connection.close()
        for server in servers { await server.server.shutdown(gracePeriod: .seconds(1)) }
        #expect(measurement.errors == [:])
        #expect(measurement.calls >= 200)
    }

    @Test(arguments: ["ipv4:127.0.0.1:", "dns:///localhost:", "localhost:", "127.0.0.1:"])
    func everyTargetFormReachesTheServer(_ prefix: String) async throws {
        let server = try await CountingServer.start()
        let connection = try await Self.connect(prefix + String(server.port), GRPCChannelOptions())
        let measurement = try await LoadDriver(
            plan: try Self.plan("unary-1x2-16B", calls: 50), label: prefix, peerDescription: "one server"
        ).run(connections: [connection])
        await connection.close()
        await server.server.shutdown(gracePeriod: .seconds(1))
        #expect(measurement.calls == 50)
        #expect(server.served == 50)
    }

    @Test func aUnixSocketTargetReachesTheServer() async throws {
        var template = Array("/tmp/rpcbench-unix-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let server = try await CountingServer.start(host: "unix:\(directory)/s.sock")
        let connection = try await Self.connect("unix:\(directory)/s.sock", GRPCChannelOptions())
        let measurement = try await LoadDriver(
            plan: try Self.plan("pingpong-1x2-100B", calls: 40), label: "unix", peerDescription: "a unix socket"
        ).run(connections: [connection])
        await connection.close()
        await server.server.shutdown(gracePeriod: .seconds(1))
        #expect(measurement.calls == 40)
    }

    @Test func badTargetsPoliciesAndServiceConfigsAreUsageErrorsNamingThePart() throws {
        #expect {
            _ = try Target.parse("ipv4:1.2.3:80", for: .grpc)
        } throws: { error in
            guard case .usage(let message) = error as? BenchError else { return false }
            return message.contains("host \"1.2.3\"")
        }
        #expect {
            _ = try Target.parse("ipv4:127.0.0.1:80", for: .tcp)
        } throws: { error in
            guard case .usage(let message) = error as? BenchError else { return false }
            return message.contains("need --proto grpc")
        }
        #expect {
            _ = try Self.options(lb: "least_request")
        } throws: { error in
            guard case .usage(let message) = error as? BenchError else { return false }
            return message.contains("--lb 'least_request'") && message.contains("round_robin")
        }
        #expect {
            _ = try Self.options(
                lb: nil, serviceConfig: #"{"methodConfig": [{"retryPolicy": {"maxAttempts": 1}}]}"#)
        } throws: { error in
            guard case .usage(let message) = error as? BenchError else { return false }
            return message.contains("methodConfig[0].retryPolicy.maxAttempts")
        }
        #expect {
            _ = try GRPCChannelOptions.parse(loadBalancing: nil, serviceConfigFile: "/nonexistent/sc.json")
        } throws: { error in
            guard case .usage(let message) = error as? BenchError else { return false }
            return message.contains("cannot read --service-config /nonexistent/sc.json")
        }
    }
}
