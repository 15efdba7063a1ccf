import EventIO
import TestSupport
import Testing
@testable import H2RPC

/// An `RPCChannel` dropped without `close()` shuts down with its last reference: its resolver
/// stops and its connections close, which the server sees.
@Suite struct ChannelDropTests {
    /// `/test.Hold/Open`: answers the first request, then reads until the request stream ends and
    /// notes how ("requests ended" or "requests failed").
    struct HoldService: RPCService {
        let probe: HandlerProbe
        var methods: [RPCMethod] {
            [
                .bidiStreaming(path: "/test.Hold/Open", service: self) {
                    (
                        s: HoldService, reqs: RequestStream<EchoMessage>, out: ResponseWriter<EchoMessage>,
                        ctx: ServerContext
                    ) in
                    do {
                        for try await r in reqs { try await out.send(r) }
                        s.probe.note("requests ended")
                    } catch {
                        s.probe.note("requests failed")
                    }
                }
            ]
        }
    }

    @Test func aDroppedChannelStopsItsResolverAndClosesItsConnection() async throws {
        let probe = HandlerProbe()
        var serverConfig = RPCServer.Configuration()
        serverConfig.loopCount = 1
        let server = RPCServer(services: [HoldService(probe: probe)], configuration: serverConfig)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        // A DNS target: the channel runs a resolver task.
        var channel: RPCChannel? = try RPCChannel(target: "dns:///localhost:\(port)")
        let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel!.bidiStreaming(
            path: "/test.Hold/Open")
        try await call.send(EchoMessage(text: "hello"))
        var responses = call.responses.makeAsyncIterator()
        #expect(try await responses.next()?.text == "hello")
        #expect(server.connectionCount == 1)
        let resolverStopped = channel!.connection.resolverStopped
        weak let core = channel!.connection
        #expect(resolverStopped.value == nil)

        channel = nil

        // Nothing else kept the channel's core alive; its end stopped the resolver task and
        // closed the connection under the call still open. (The timeouts only turn a leak into a
        // failure instead of a hang.)
        #expect(core == nil)
        try await withTimeout(30, "the resolver task stops") { try await resolverStopped.wait() }
        #expect(
            try await withTimeout(30, "the server sees the connection end") { await probe.waitFor("requests failed") })
        await expectStatus(.unavailable) { _ = try await responses.next() }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func closeAlsoStopsTheResolver() async throws {
        let channel = try RPCChannel(target: "dns:///localhost:1")
        await channel.close()
        let stopped = channel.connection.resolverStopped
        try await withTimeout(30, "the resolver task stops") { try await stopped.wait() }
        #expect(channel.connectivityState == .shutdown)
    }
}
