import EventIO
import H2
import Testing
@testable import H2RPC

@Suite struct ShutdownTests {
    let probe = HandlerProbe()

    /// A second `shutdown(gracePeriod: .zero)` ends a long graceful shutdown that a call in flight
    /// holds open: both return, and the call ends with an error instead of waiting for the grace.
    /// (The time limit only turns a hang into a failure: the first shutdown would take ten minutes.)
    @Test(.timeLimit(.minutes(1))) func secondShutdownCutsTheGracePeriodShort() async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.shutdownGracePeriod = .seconds(600)
        let server = RPCServer(services: [TestEchoService(probe: probe)], configuration: config)
        let port = try await server.start(port: 0)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
            path: "/test.Echo/Chat", as: EchoMessage.self)
        try await call.send(EchoMessage(text: "held"))
        var responses = call.responses.makeAsyncIterator()
        #expect(try await responses.next()?.text == "echo:held")
        // A second connection, idle, whose GOAWAY tells that the graceful shutdown has begun.
        let loop = try ClientEventLoops.shared(busyPoll: nil).next()
        let watched = try await H2Connection.connect(to: SocketAddress(host: "127.0.0.1", port: port), on: loop)
        let watcher = LoopbackTests.GoAwayWatcher()
        await loop.submit { watched.delegate = watcher }
        // Holds for ten minutes unless cut short: the call never ends by itself.
        let graceful = Task { await server.shutdown(gracePeriod: .seconds(600)) }
        try await watcher.received.wait()
        await server.shutdown(gracePeriod: .zero)
        await graceful.value
        #expect(server.connectionCount == 0)
        do {
            while try await responses.next() != nil {}
            Issue.record("the call held open ended normally")
        } catch {
            #expect(error.code != .ok)
        }
        await channel.close()
    }

    /// Two concurrent graceful shutdowns without a grace period of their own both return once the
    /// server has stopped.
    @Test func concurrentShutdownsBothReturn() async throws {
        let server = RPCServer(services: [TestEchoService(probe: probe)])
        _ = try await server.start(port: 0)
        async let first: Void = server.shutdown()
        async let second: Void = server.shutdown()
        _ = await (first, second)
        #expect(server.connectionCount == 0)
        await server.waitUntilShutDown()
    }
}
