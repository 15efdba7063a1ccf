import Glibc
import TestSupport
import H2RPC
import H2RPCServiceLifecycle
import Logging
import ServiceLifecycle
import Testing

/// Graceful shutdown on signals (a real child process, and this process with SIGUSR1/SIGUSR2)
/// and as a swift-service-lifecycle Service in a ServiceGroup.
@Suite struct LifecycleTests {
    /// signal-server runs `run(port:shutdownSignals: [.terminate, .interrupt])`: the signal starts a
    /// graceful shutdown, the call in flight still completes, and the process exits 0 by itself.
    @Test(arguments: [SIGTERM, SIGINT])
    func childServerStopsGracefullyOnSignal(_ signal: Int32) async throws {
        let port = try freePort()
        let child = try PeerProcess(TestPaths.binDirectory + "/signal-server", ["\(port)"])
        _ = try await child.readLine(containing: "serving on")
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let call =
            try await channel.bidiStreaming(path: "/signals.Echo/Chat", as: HealthCheckRequest.self)
            as BidiStreamingCall<HealthCheckRequest, HealthCheckRequest>
        var responses = call.responses.makeAsyncIterator()
        try await call.send(HealthCheckRequest(service: "before"))
        #expect(try await responses.next()?.service == "before")

        child.signal(signal)
        let name = signal == SIGTERM ? "SIGTERM" : "SIGINT"
        _ = try await child.readLine(containing: "received \(name): shutting down gracefully")
        // The server is shutting down; the call that was in flight goes on to its end.
        try await call.send(HealthCheckRequest(service: "after"))
        #expect(try await responses.next()?.service == "after")
        call.finish()
        #expect(try await responses.next() == nil)
        _ = try await child.readLine(containing: "server stopped")
        #expect(try await child.waitForExit() == 0, "\(child.transcript)")
        await channel.close()
    }

    /// The handler of `signal` now: true when it is the default (SIG_DFL).
    func isDefault(_ signal: Int32) -> Bool {
        var current = sigaction()
        sigaction(signal, nil, &current)
        return current.__sigaction_handler.sa_handler == nil
    }

    /// The address of the handler of `signal` now (0: SIG_DFL, 1: SIG_IGN).
    func handlerAddress(_ signal: Int32) -> UInt {
        var current = sigaction()
        sigaction(signal, nil, &current)
        return current.__sigaction_handler.sa_handler.map { UInt(bitPattern: unsafeBitCast($0, to: Int.self)) } ?? 0
    }

    @Test func shutdownOnSignalsInThisProcess() async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [], configuration: config)
        _ = try await server.start(port: 0)
        #expect(isDefault(SIGUSR2))
        try server.shutdownOnSignals([ShutdownSignal(rawValue: SIGUSR2)])
        #expect(!isDefault(SIGUSR2))
        kill(getpid(), SIGUSR2)
        await server.waitUntilShutDown()
        // One signal, one shutdown: the previous disposition is back.
        #expect(isDefault(SIGUSR2))
    }

    /// `run(port:shutdownSignals:)` also ends on task cancellation (throwing CANCELLED, as `run(port:)`
    /// does), and puts the signal's previous handling back when it returns.
    @Test func runEndsOnCancellationAndRestoresTheSignal() async throws {
        let before = handlerAddress(SIGHUP)
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [], configuration: config)
        let running = Task { try await server.run(port: 0, shutdownSignals: [.hangup]) }
        running.cancel()
        do {
            try await running.value
            Issue.record("a cancelled run returned normally")
        } catch let error as RPCError {
            #expect(error.code == .cancelled)
        }
        #expect(handlerAddress(SIGHUP) == before)
        #expect(ShutdownSignal.hangup.description == "SIGHUP")
    }

    @Test func stoppingTheWatchRestoresTheSignal() async throws {
        let server = RPCServer(services: [])
        #expect(isDefault(SIGUSR1))
        let watch = try server.shutdownOnSignals([ShutdownSignal(rawValue: SIGUSR1)])
        #expect(!isDefault(SIGUSR1))
        server.stopShutdownOnSignals(watch)
        #expect(isDefault(SIGUSR1))
    }

    // Bad input: SIGKILL cannot be caught.
    @Test func uncatchableSignalIsRejected() async throws {
        let server = RPCServer(services: [])
        do {
            try server.shutdownOnSignals([ShutdownSignal(rawValue: SIGKILL)])
            Issue.record("watching SIGKILL succeeded")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("signal 9"), "\(error)")
        }
    }

    /// In a ServiceGroup: graceful shutdown lets the call in flight finish, then `run()` returns.
    @Test func serviceGroupShutsTheServerDownGracefully() async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [ChatService()], configuration: config)
        let service = server.service(port: 0)
        let group = ServiceGroup(services: [service], logger: Logger(label: "test.group"))
        let running = Task { try await group.run() }
        let port = try await service.listeningPort
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let call =
            try await channel.bidiStreaming(path: "/signals.Echo/Chat", as: HealthCheckRequest.self)
            as BidiStreamingCall<HealthCheckRequest, HealthCheckRequest>
        var responses = call.responses.makeAsyncIterator()
        try await call.send(HealthCheckRequest(service: "before"))
        #expect(try await responses.next()?.service == "before")

        await group.triggerGracefulShutdown()
        try await call.send(HealthCheckRequest(service: "after"))
        #expect(try await responses.next()?.service == "after")
        call.finish()
        #expect(try await responses.next() == nil)
        try await running.value
        #expect(server.activeRPCCount == 0)
        let refused = await rpcError {
            _ = try await channel.unary(
                path: "/signals.Echo/Chat", request: HealthCheckRequest(), as: HealthCheckRequest.self)
        }
        #expect(refused?.code == .unavailable)
        await channel.close()
    }

    @Test func listeningPortReportsAStartFailure() async throws {
        let first = RPCServer(services: [])
        let port = try await first.start(port: 0)
        let second = first.service(port: port)  // already started: run() fails
        let group = ServiceGroup(services: [second], logger: Logger(label: "test.group"))
        let running = Task { try await group.run() }
        await #expect(throws: RPCError.self) { _ = try await second.listeningPort }
        await #expect(throws: (any Error).self) { try await running.value }
        await first.shutdown(gracePeriod: .zero)
    }
}
