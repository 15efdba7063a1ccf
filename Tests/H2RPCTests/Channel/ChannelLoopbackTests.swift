import EventIO
import Glibc
import TestSupport
import Testing
@testable import H2RPC

/// `RPCChannel` over its load balancers and resolver, against real `RPCServer`s on loopback TCP
/// and Unix sockets. Steps are ordered by the channel's own state (READY subchannels, the
/// connectivity sequence), never by sleeping.
@Suite struct ChannelLoopbackTests {
    /// A server answering `/test.Echo/Get` with its own name in `text`.
    struct Named: Sendable {
        let name: String
        let server: RPCServer
        let port: Int

        static func start(_ name: String, host: String = "127.0.0.1", port: Int = 0) async throws -> Named {
            var config = RPCServer.Configuration()
            config.loopCount = 1
            let server = RPCServer(services: [NameService(name: name)], configuration: config)
            let bound = try await server.start(host: host, port: port)
            return Named(name: name, server: server, port: bound)
        }
    }

    struct NameService: RPCService {
        let name: String
        var methods: [RPCMethod] {
            [
                .unary(path: "/test.Echo/Get", service: self) {
                    (s: NameService, req: EchoMessage, _: ServerContext) -> EchoMessage in
                    EchoMessage(text: s.name, number: req.number)
                }
            ]
        }
    }

    /// Fast reconnection, so that a restarted server rejoins within the test.
    static func quickReconnect(_ policy: LoadBalancingPolicy) -> RPCChannel.Configuration {
        var config = RPCChannel.Configuration()
        config.loadBalancingPolicy = policy
        config.initialBackoff = .milliseconds(20)
        config.maximumBackoff = .milliseconds(100)
        return config
    }

    /// Makes `count` unary calls one after another; returns how many each server name answered.
    static func spread(
        _ channel: RPCChannel, _ count: Int, options: CallOptions = .defaults
    ) async throws -> [String: Int] {
        var seen: [String: Int] = [:]
        for i in 0..<count {
            let reply = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "", number: Int32(i)), as: EchoMessage.self,
                options: options)
            #expect(reply.number == Int32(i))
            seen[reply.text, default: 0] += 1
        }
        return seen
    }

    static func makeTemporaryDirectory() throws -> String {
        var template = Array("/tmp/h2rpc-channel-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw RPCError(code: .internal, message: "mkdtemp failed") }
        return String(cString: made)
    }

    @Test func roundRobinSpreadsCallsEvenlyOverThreeServersAndAStoppedOneIsLeftOutThenRejoins() async throws {
        let a = try await Named.start("a")
        let b = try await Named.start("b")
        var c = try await Named.start("c")
        let channel = try RPCChannel(
            target: "ipv4:127.0.0.1:\(a.port),127.0.0.1:\(b.port),127.0.0.1:\(c.port)",
            configuration: Self.quickReconnect(.roundRobin))
        // round_robin connects every address as soon as they are resolved.
        try await channel.connection.waitForReadySubchannels(3)
        #expect(try await Self.spread(channel, 30) == ["a": 10, "b": 10, "c": 10])

        // One server stops: once the channel has dropped it, calls go to the other two, none fails.
        await c.server.shutdown(gracePeriod: .seconds(1))
        try await channel.connection.waitForReadySubchannels(2)
        #expect(try await Self.spread(channel, 30) == ["a": 15, "b": 15])

        // It comes back on the same port: its subchannel reconnects after its backoff and rejoins.
        c = try await Named.start("c", port: c.port)
        try await channel.connection.waitForReadySubchannels(3)
        #expect(try await Self.spread(channel, 30) == ["a": 10, "b": 10, "c": 10])
        #expect(channel.connectivityState == .ready)

        await channel.close()
        for s in [a, b, c] { await s.server.shutdown(gracePeriod: .seconds(1)) }
    }

    @Test func callsInFlightWhileAServerStopsAllSucceedWithWaitForReady() async throws {
        let a = try await Named.start("a")
        let b = try await Named.start("b")
        let channel = try RPCChannel(
            target: "ipv4:127.0.0.1:\(a.port),127.0.0.1:\(b.port)", configuration: Self.quickReconnect(.roundRobin))
        try await channel.connection.waitForReadySubchannels(2)
        let options = CallOptions(timeout: .seconds(20), waitForReady: true)
        // Calls keep going while b shuts down; every one of them must succeed (on a or on b before it left).
        try await withThrowingTaskGroup(of: [String: Int].self) { group in
            group.addTask { try await Self.spread(channel, 200, options: options) }
            group.addTask {
                await b.server.shutdown(gracePeriod: .seconds(1))
                return [:]
            }
            var total = 0
            for try await seen in group { total += seen.values.reduce(0, +) }
            #expect(total == 200)
        }
        await channel.close()
        await a.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aRollingRestartOfThreeServersUnderLoadFailsNoCall() async throws {
        var servers = [try await Named.start("a"), try await Named.start("b"), try await Named.start("c")]
        let channel = try RPCChannel(
            target: "ipv4:" + servers.map { "127.0.0.1:\($0.port)" }.joined(separator: ","),
            configuration: Self.quickReconnect(.roundRobin))
        try await channel.connection.waitForReadySubchannels(3)
        let options = CallOptions(timeout: .seconds(20), waitForReady: true)
        let load = Task {
            // Four callers, one after another each, until the restarts are over.
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var calls = 0
                        while !Task.isCancelled {
                            do {
                                _ = try await channel.unary(
                                    path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self,
                                    options: options)
                            } catch let error as RPCError where error.code == .cancelled && Task.isCancelled {
                                break  // the test stopped the load: the call in flight is cancelled
                            }
                            calls += 1
                        }
                        return calls
                    }
                }
                var total = 0
                for try await calls in group { total += calls }
                return total
            }
        }
        for k in servers.indices {
            await servers[k].server.shutdown(gracePeriod: .seconds(5))
            try await channel.connection.waitForReadySubchannels(2)
            servers[k] = try await Named.start(servers[k].name, port: servers[k].port)
            try await channel.connection.waitForReadySubchannels(3)
        }
        load.cancel()
        // Any failed call would have ended its caller with that error.
        let total = try await load.value
        #expect(total > 0)
        await channel.close()
        for s in servers { await s.server.shutdown(gracePeriod: .seconds(1)) }
    }

    @Test func pickFirstTriesEveryAddressAndStaysOnTheOneThatWorks() async throws {
        // Only ::1 listens; 127.0.0.1 (listed first) refuses. (On this machine `localhost` names
        // 127.0.0.1 only, so the dual-stack list is given as addresses.)
        // 127.0.0.1 at the same port number is held bound without listening, so that it refuses
        // and no server of a test running in parallel can be there.
        var started: (Named, RefusingPort)?
        while started == nil {
            let v6 = try await Named.start("v6", host: "::1")
            if let hold = RefusingPort(port: v6.port) {
                started = (v6, hold)
            } else {
                await v6.server.shutdown(gracePeriod: .zero)
            }
        }
        let (v6, hold) = started!
        let target = RPCTarget.addresses([.ipv4(host: "127.0.0.1", port: v6.port), .ipv6(host: "::1", port: v6.port)])
        let channel = try RPCChannel(target: target)
        #expect(try await Self.spread(channel, 5) == ["v6": 5])
        #expect(channel.connectivityState == .ready)
        await channel.close()
        await v6.server.shutdown(gracePeriod: .seconds(1))
        withExtendedLifetime(hold) {}
    }

    @Test(arguments: ["localhost:", "dns:///localhost:", "dns:localhost:", "ipv4:127.0.0.1:", "127.0.0.1:"])
    func everyTargetFormReachesTheServer(_ prefix: String) async throws {
        let a = try await Named.start("a")
        let channel = try RPCChannel(target: "\(prefix)\(a.port)")
        #expect(try await Self.spread(channel, 2) == ["a": 2])
        await channel.close()
        await a.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func ipv6TargetReachesAServerOnIPv6Loopback() async throws {
        let v6 = try await Named.start("v6", host: "::1")
        let channel = try RPCChannel(target: "ipv6:[::1]:\(v6.port)")
        #expect(try await Self.spread(channel, 2) == ["v6": 2])
        await channel.close()
        await v6.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test(arguments: ["unix:", "unix://"])
    func unixSocketTargetsReachAServerOnAUnixSocket(_ scheme: String) async throws {
        let directory = try Self.makeTemporaryDirectory()
        let path = directory + "/channel.sock"
        let named = try await Named.start("unix", host: "unix:\(path)")
        let channel = try RPCChannel(target: "\(scheme)\(path)")
        #expect(try await Self.spread(channel, 3) == ["unix": 3])
        await channel.close()
        await named.server.shutdown(gracePeriod: .seconds(1))
        rmdir(directory)
    }

    @Test func connectLeavesIdleAndReturnsReadyWithoutACall() async throws {
        let a = try await Named.start("a")
        let channel = try RPCChannel(target: "127.0.0.1:\(a.port)")
        #expect(channel.connectivityState == .idle)
        try await channel.connect()
        #expect(channel.connectivityState == .ready)
        #expect(try await Self.spread(channel, 1) == ["a": 1])
        await channel.close()
        await a.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func connectToNothingListeningIsUnavailableNamingTheRefusal() async throws {
        // A port that was free a moment ago: nothing listens on it.
        let a = try await Named.start("gone")
        let port = a.port
        await a.server.shutdown(gracePeriod: .seconds(1))
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        await #expect {
            try await channel.connect()
        } throws: { error in
            guard let error = error as? RPCError else { return false }
            return error.code == .unavailable && error.message.contains("refused")
        }
        await channel.close()
    }

    @Test func connectivityStatesGoFromIdleThroughConnectingToReadyAndEndWithShutdown() async throws {
        let a = try await Named.start("a")
        let channel = try RPCChannel(target: "127.0.0.1:\(a.port)")
        let states = channel.connectivityStates()
        _ = try await Self.spread(channel, 1)
        await channel.close()
        var seen: [ConnectivityState] = []
        for await state in states { seen.append(state) }
        #expect(seen == [.idle, .connecting, .ready, .shutdown])
        await a.server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aFailFastCallFailsWithUnavailableWhileNothingListens() async throws {
        let directory = try Self.makeTemporaryDirectory()
        let channel = try RPCChannel(target: "unix:\(directory)/nobody.sock")
        let error = await expectStatus(.unavailable) {
            _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self)
        }
        #expect(error?.message.contains("nobody.sock") == true, "\(String(describing: error))")
        #expect(channel.connectivityState == .transientFailure)
        await channel.close()
        rmdir(directory)
    }

    @Test func aWaitForReadyCallWaitsForTheServerToComeUpThenSucceeds() async throws {
        let directory = try Self.makeTemporaryDirectory()
        let path = directory + "/later.sock"
        let channel = try RPCChannel(target: "unix:\(path)", configuration: Self.quickReconnect(.pickFirst))
        var states = channel.connectivityStates().makeAsyncIterator()
        let call = Task {
            try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "", number: 7), as: EchoMessage.self,
                options: CallOptions(timeout: .seconds(30), waitForReady: true))
        }
        // The call made the channel connect, and the attempt failed: nothing listens yet.
        while let state = await states.next(), state != .transientFailure {}
        let named = try await Named.start("late", host: "unix:\(path)")
        let reply = try await call.value
        #expect(reply == EchoMessage(text: "late", number: 7))
        await channel.close()
        await named.server.shutdown(gracePeriod: .seconds(1))
        rmdir(directory)
    }

    @Test func waitForReadyFromTheServiceConfigAlsoWaits() async throws {
        let directory = try Self.makeTemporaryDirectory()
        let path = directory + "/config.sock"
        var config = Self.quickReconnect(.pickFirst)
        config.serviceConfig = try ServiceConfig(
            json: #"{"methodConfig":[{"name":[{"service":"test.Echo"}],"waitForReady":true,"timeout":"30s"}]}"#)
        let channel = try RPCChannel(target: "unix:\(path)", configuration: config)
        var states = channel.connectivityStates().makeAsyncIterator()
        let call = Task {
            try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "", number: 1), as: EchoMessage.self)
        }
        while let state = await states.next(), state != .transientFailure {}
        let named = try await Named.start("late", host: "unix:\(path)")
        #expect(try await call.value.text == "late")
        await channel.close()
        await named.server.shutdown(gracePeriod: .seconds(1))
        rmdir(directory)
    }

    @Test func aWaitForReadyCallStillEndsAtItsDeadline() async throws {
        let directory = try Self.makeTemporaryDirectory()
        let channel = try RPCChannel(
            target: "unix:\(directory)/never.sock", configuration: Self.quickReconnect(.pickFirst))
        let error = await expectStatus(.deadlineExceeded) {
            _ = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self,
                options: CallOptions(timeout: .milliseconds(200), waitForReady: true))
        }
        #expect(error?.message.contains("waiting for ready") == true, "\(String(describing: error))")
        await channel.close()
        rmdir(directory)
    }

    @Test func aWaitingCallIsCancelledWithItsTask() async throws {
        let directory = try Self.makeTemporaryDirectory()
        let channel = try RPCChannel(
            target: "unix:\(directory)/never.sock", configuration: Self.quickReconnect(.pickFirst))
        var states = channel.connectivityStates().makeAsyncIterator()
        let call = Task {
            try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self,
                options: CallOptions(waitForReady: true))
        }
        while let state = await states.next(), state != .transientFailure {}
        call.cancel()
        await expectStatus(.cancelled) { _ = try await call.value }
        await channel.close()
        rmdir(directory)
    }
}
