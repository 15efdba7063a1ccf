import EventIO
import TestSupport
import Testing
@testable import H2RPC

/// A stream our server refuses (RST_STREAM REFUSED_STREAM, because the connection already has
/// SETTINGS_MAX_CONCURRENT_STREAMS streams open) is retried by the channel transparently: the call
/// succeeds without a retry policy, a streaming call with the messages it sent on the refused stream.
@Suite struct ChannelRefusedStreamTests {
    /// `/test.Hold/Get`: "hold" waits until the probe notes "release"; every run is noted.
    struct HoldService: RPCService {
        let probe: HandlerProbe
        var methods: [RPCMethod] {
            [
                .unary(path: "/test.Hold/Get", service: self) {
                    (s: HoldService, req: EchoMessage, ctx: ServerContext) -> EchoMessage in
                    s.probe.note("ran \(req.text)")
                    if req.text == "hold" { _ = await s.probe.waitFor("release") }
                    return EchoMessage(text: "done \(req.text)")
                },
                .clientStreaming(path: "/test.Hold/Collect", service: self) {
                    (s: HoldService, reqs: RequestStream<EchoMessage>, ctx: ServerContext) -> EchoMessage in
                    s.probe.note("ran collect")
                    var texts: [String] = []
                    for try await r in reqs { texts.append(r.text) }
                    return EchoMessage(text: texts.joined(separator: ","))
                },
            ]
        }
    }

    @Test func aStreamRefusedOverTheConcurrencyLimitIsRetriedTransparentlyAndSucceeds() async throws {
        let probe = HandlerProbe()
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.http2.maxConcurrentStreams = 1
        let server = RPCServer(services: [HoldService(probe: probe)], configuration: config)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        // The relay tells the client the limit is 100, so that it opens a second stream.
        let relay = try await SettingsLiftingRelay.start(upstreamPort: port)
        let channel = try RPCChannel(target: "127.0.0.1:\(relay.port)")
        let options = CallOptions(timeout: .seconds(30))

        let held = Task {
            try await channel.unary(
                path: "/test.Hold/Get", request: EchoMessage(text: "hold"), as: EchoMessage.self, options: options)
        }
        #expect(await probe.waitFor("ran hold"))
        let second = Task {
            try await channel.unary(
                path: "/test.Hold/Get", request: EchoMessage(text: "second"), as: EchoMessage.self, options: options)
        }
        // The server refuses the second stream (one is open, the limit is 1); the refusal is held
        // back until the first call is over, so that the retry finds a free slot.
        // (The timeout only turns a missing refusal into a failure instead of a hang.)
        try await withTimeout(30, "the server refuses a stream") { try await relay.waitForRefusals(1) }
        probe.note("release")
        #expect(try await held.value.text == "done hold")
        relay.releaseRefusals()

        #expect(try await second.value.text == "done second")
        // Refused once, retried once: the handler ran once for it.
        #expect(relay.refusedStreams == 1)
        #expect(probe.all.filter { $0 == "ran second" }.count == 1)
        await channel.close()
        await relay.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aRefusedClientStreamingCallIsReplayedOnANewStreamWithItsMessagesAndHalfClose() async throws {
        let probe = HandlerProbe()
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.http2.maxConcurrentStreams = 1
        let server = RPCServer(services: [HoldService(probe: probe)], configuration: config)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        let relay = try await SettingsLiftingRelay.start(upstreamPort: port)
        var channelConfig = RPCChannel.Configuration()
        channelConfig.transparentStreamingRetry = true
        let channel = try RPCChannel(target: "127.0.0.1:\(relay.port)", configuration: channelConfig)
        let options = CallOptions(timeout: .seconds(30))

        let held = Task {
            try await channel.unary(
                path: "/test.Hold/Get", request: EchoMessage(text: "hold"), as: EchoMessage.self, options: options)
        }
        #expect(await probe.waitFor("ran hold"))
        // No retry policy. The server refuses the stream; the refusal is held back while the
        // messages and the half-close go out on the refused stream.
        let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
            path: "/test.Hold/Collect", options: options)
        let sent = ["m0", "m1", "m2"]
        for text in sent { try await call.send(EchoMessage(text: text)) }
        let reply = Task { try await call.finish() }
        try await withTimeout(30, "the server refuses a stream") { try await relay.waitForRefusals(1) }
        probe.note("release")
        #expect(try await held.value.text == "done hold")
        relay.releaseRefusals()

        // The new stream carried every message, in order, and the half-close.
        #expect(try await reply.value.text == sent.joined(separator: ","))
        #expect(relay.refusedStreams == 1)
        #expect(probe.all.filter { $0 == "ran collect" }.count == 1)
        // Committed at its response: nothing is kept any more.
        #expect(channel.retryBuffer.bytesInUse == 0)
        await channel.close()
        await relay.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func byDefaultARefusedStreamingCallFailsUnavailable() async throws {
        let probe = HandlerProbe()
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.http2.maxConcurrentStreams = 1
        let server = RPCServer(services: [HoldService(probe: probe)], configuration: config)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        let relay = try await SettingsLiftingRelay.start(upstreamPort: port)
        let channel = try RPCChannel(target: "127.0.0.1:\(relay.port)")
        let options = CallOptions(timeout: .seconds(30))

        let held = Task {
            try await channel.unary(
                path: "/test.Hold/Get", request: EchoMessage(text: "hold"), as: EchoMessage.self, options: options)
        }
        #expect(await probe.waitFor("ran hold"))
        let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
            path: "/test.Hold/Collect", options: options)
        try await call.send(EchoMessage(text: "m0"))
        try await withTimeout(30, "the server refuses a stream") { try await relay.waitForRefusals(1) }
        probe.note("release")
        #expect(try await held.value.text == "done hold")
        relay.releaseRefusals()

        let error = await expectStatus(.unavailable) { _ = try await call.finish() }
        #expect(error?.isRefusedStream == true)
        #expect(!probe.all.contains("ran collect"))
        await channel.close()
        await relay.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }
}
