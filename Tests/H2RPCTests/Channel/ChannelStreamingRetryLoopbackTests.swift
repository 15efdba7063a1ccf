import EventIO
import Testing
@testable import H2RPC

/// gRFC A6 retries of client- and bidirectional-streaming calls through `RPCChannel`, against a
/// real server whose handlers fail the first attempts of each call with a chosen status and record
/// what every attempt received.
@Suite struct ChannelStreamingRetryLoopbackTests {
    /// Per call key (metadata `x-key`): each attempt's `grpc-previous-rpc-attempts` and the request
    /// texts it received.
    final class AttemptLog: Sendable {
        struct Attempt: Sendable, Equatable {
            var previous: String
            var texts: [String] = []
        }
        private let attempts = WaitableState<[String: [Attempt]]>([:])

        /// Records a new attempt; returns its number (from 1).
        func begin(_ key: String, previous: String) -> Int {
            attempts.update { log in
                log[key, default: []].append(Attempt(previous: previous))
                return log[key]!.count
            }
        }
        func received(_ key: String, attempt: Int, _ text: String) {
            attempts.update { $0[key]![attempt - 1].texts.append(text) }
        }
        func seen(_ key: String) -> [Attempt] { attempts.value[key] ?? [] }
    }

    /// `x-fail` attempts of each call fail with status `x-fail-code`: `Collect` after reading all
    /// requests, `Chat` at the first request (before sending anything); later attempts answer.
    /// `ChatThenFail` answers the first request, then fails.
    struct FlakyStreamingService: RPCService {
        let log: AttemptLog

        static func failure(_ ctx: ServerContext, attempt: Int) -> RPCError? {
            guard attempt <= Int(ctx.requestMetadata["x-fail"] ?? "0") ?? 0 else { return nil }
            let code = StatusCode(rawValue: Int(ctx.requestMetadata["x-fail-code"] ?? "14") ?? 14)
            return RPCError(code: code, message: "attempt \(attempt) fails on purpose")
        }

        func begin(_ ctx: ServerContext) -> (String, Int) {
            let key = ctx.requestMetadata["x-key"] ?? ""
            return (key, log.begin(key, previous: ctx.requestMetadata["grpc-previous-rpc-attempts"] ?? "none"))
        }

        var methods: [RPCMethod] {
            [
                .clientStreaming(path: "/test.Echo/Collect", service: self) {
                    (s: FlakyStreamingService, reqs: RequestStream<EchoMessage>, ctx: ServerContext) in
                    let (key, attempt) = s.begin(ctx)
                    var texts: [String] = []
                    for try await r in reqs {
                        s.log.received(key, attempt: attempt, r.text)
                        texts.append(r.text)
                    }
                    if let failure = Self.failure(ctx, attempt: attempt) { throw failure }
                    return EchoMessage(text: texts.joined(separator: ","), number: Int32(attempt))
                },
                .bidiStreaming(path: "/test.Echo/Chat", service: self) {
                    (
                        s: FlakyStreamingService, reqs: RequestStream<EchoMessage>, out: ResponseWriter<EchoMessage>,
                        ctx: ServerContext
                    ) in
                    let (key, attempt) = s.begin(ctx)
                    for try await r in reqs {
                        s.log.received(key, attempt: attempt, r.text)
                        if let failure = Self.failure(ctx, attempt: attempt) { throw failure }
                        try await out.send(EchoMessage(text: "echo:" + r.text, number: Int32(attempt)))
                    }
                },
                .bidiStreaming(path: "/test.Echo/ChatThenFail", service: self) {
                    (
                        s: FlakyStreamingService, reqs: RequestStream<EchoMessage>, out: ResponseWriter<EchoMessage>,
                        ctx: ServerContext
                    ) in
                    let (key, attempt) = s.begin(ctx)
                    for try await r in reqs {
                        s.log.received(key, attempt: attempt, r.text)
                        try await out.send(EchoMessage(text: "echo:" + r.text, number: Int32(attempt)))
                        throw RPCError(code: .unavailable, message: "attempt \(attempt) fails after answering")
                    }
                },
            ]
        }
    }

    static func config(
        maxAttempts: Int = 4, perCallBufferLimit: Int? = nil, channelBufferLimit: Int? = nil
    ) throws -> RPCChannel.Configuration {
        var config = try ChannelRetryLoopbackTests.config(maxAttempts: maxAttempts)
        if let perCallBufferLimit { config.perCallRetryBufferLimit = perCallBufferLimit }
        if let channelBufferLimit { config.retryBufferSize = channelBufferLimit }
        return config
    }

    func withFlakyServer(
        _ config: RPCChannel.Configuration, _ body: (RPCChannel, AttemptLog) async throws -> Void
    ) async throws {
        let log = AttemptLog()
        try await withServer(services: [FlakyStreamingService(log: log)], channelConfiguration: config) {
            _, channel, _ in
            try await body(channel, log)
            // Every call ended: nothing is kept for replay any more.
            #expect(channel.retryBuffer.bytesInUse == 0)
        }
    }

    static func options(key: String, failures: Int, code: StatusCode = .unavailable) -> CallOptions {
        CallOptions(
            timeout: .seconds(20),
            metadata: Metadata([("x-key", key), ("x-fail", String(failures)), ("x-fail-code", String(code.rawValue))]))
    }

    static func texts(_ count: Int, size: Int = 1) -> [String] {
        (0..<count).map { i in "m\(i)" + String(repeating: "x", count: max(0, size - 2)) }
    }

    @Test func aClientStreamingCallFailingTwiceIsReplayedWholeAndSucceedsOnItsThirdAttempt() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "c", failures: 2))
            let sent = Self.texts(5)
            for text in sent { try await call.send(EchoMessage(text: text)) }
            let reply = try await call.finish()
            #expect(reply.text == sent.joined(separator: ","))
            #expect(reply.number == 3)
            #expect(log.seen("c").map(\.previous) == ["none", "1", "2"])
            // Every attempt received every message, in order (the request side closed after them).
            #expect(log.seen("c").map(\.texts) == [sent, sent, sent])
        }
    }

    @Test func aBidiCallFailingAtItsFirstMessageIsReplayedAndEchoesEverythingInOrder() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", options: Self.options(key: "b", failures: 2))
            let sent = Self.texts(20)
            // The failing attempts end while messages are still being sent: later sends go to the
            // next attempt after the kept ones.
            for text in sent { try await call.send(EchoMessage(text: text)) }
            call.finish()
            var echoed: [String] = []
            var attempts: Set<Int32> = []
            for try await reply in call.responses {
                echoed.append(reply.text)
                attempts.insert(reply.number)
            }
            #expect(echoed == sent.map { "echo:" + $0 })
            #expect(attempts == [3])
            let seen = log.seen("b")
            #expect(seen.map(\.previous) == ["none", "1", "2"])
            #expect(seen.last?.texts == sent)
            // A failing attempt stopped reading at the first message.
            #expect(seen.dropLast().allSatisfy { $0.texts == [sent[0]] })
        }
    }

    @Test func theResponseCommitsTheCallSoAFailureAfterItIsNotRetried() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/ChatThenFail", options: Self.options(key: "h", failures: 0))
            try await call.send(EchoMessage(text: "one"))
            call.finish()
            var echoed: [String] = []
            let error = await expectStatus(.unavailable) {
                for try await reply in call.responses { echoed.append(reply.text) }
            }
            #expect(error?.message == "attempt 1 fails after answering")
            #expect(echoed == ["echo:one"])
            #expect(log.seen("h").map(\.previous) == ["none"])
        }
    }

    @Test func messagesOutgrowingThePerCallBufferCommitTheCallAndStopRetries() async throws {
        // 40-byte messages, a 100-byte buffer: the third message does not fit.
        try await withFlakyServer(try Self.config(perCallBufferLimit: 100)) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "o", failures: 1))
            let sent = Self.texts(4, size: 40)
            for text in sent { try await call.send(EchoMessage(text: text)) }
            let error = await expectStatus(.unavailable) { _ = try await call.finish() }
            #expect(error?.message == "attempt 1 fails on purpose")
            #expect(log.seen("o") == [AttemptLog.Attempt(previous: "none", texts: sent)])
        }
    }

    @Test func messagesOutgrowingTheChannelBufferCommitTheCallAndStopRetries() async throws {
        try await withFlakyServer(try Self.config(channelBufferLimit: 100)) { channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "w", failures: 1))
            let sent = Self.texts(4, size: 40)
            for text in sent { try await call.send(EchoMessage(text: text)) }
            call.finish()
            await expectStatus(.unavailable) { for try await _ in call.responses {} }
            #expect(log.seen("w").map(\.previous) == ["none"])
        }
    }

    @Test func messagesWithinTheBufferAreStillRetried() async throws {
        try await withFlakyServer(try Self.config(perCallBufferLimit: 200)) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "f", failures: 1))
            let sent = Self.texts(4, size: 40)
            for text in sent { try await call.send(EchoMessage(text: text)) }
            let reply = try await call.finish()
            #expect(reply.number == 2)
            #expect(log.seen("f").map(\.texts) == [sent, sent])
        }
    }

    @Test func aStatusNotListedAsRetryableIsNotRetried() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "n", failures: 1, code: .failedPrecondition))
            try await call.send(EchoMessage(text: "a"))
            await expectStatus(.failedPrecondition) { _ = try await call.finish() }
            #expect(log.seen("n").map(\.previous) == ["none"])
        }
    }

    @Test func attemptsStopAtMaxAttemptsWithTheLastStatus() async throws {
        try await withFlakyServer(try Self.config(maxAttempts: 3)) { channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", options: Self.options(key: "m", failures: 10))
            try await call.send(EchoMessage(text: "a"))
            call.finish()
            let error = await expectStatus(.unavailable) { for try await _ in call.responses {} }
            #expect(error?.message == "attempt 3 fails on purpose")
            #expect(log.seen("m").map(\.previous) == ["none", "1", "2"])
        }
    }

    @Test func cancellingAnUncommittedCallEndsItWithCancelled() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "x", failures: 0))
            try await call.send(EchoMessage(text: "a"))
            call.cancel()
            await expectStatus(.cancelled) { _ = try await call.finish() }
            await expectStatus(.cancelled) { try await call.send(EchoMessage(text: "b")) }
        }
    }

    /// Records every end an interceptor hears.
    final class EndRecorder: ClientInterceptor {
        let ends = WaitableState<[StatusCode]>([])
        func finished(path: String, error: RPCError?, duration: Duration) {
            ends.update { $0.append(error?.code ?? .ok) }
        }
    }

    @Test func interceptorsHearTheEndOfARetriedCallOnceBeforeItsResultIsRead() async throws {
        let recorder = EndRecorder()
        var config = try Self.config()
        config.interceptors = [recorder]
        try await withFlakyServer(config) { channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", options: Self.options(key: "i", failures: 2))
            try await call.send(EchoMessage(text: "a"))
            call.finish()
            var echoed: [String] = []
            for try await reply in call.responses { echoed.append(reply.text) }
            #expect(echoed == ["echo:a"])
            #expect(log.seen("i").count == 3)
            #expect(recorder.ends.value == [.ok])

            let failing: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "j", failures: 10))
            try await failing.send(EchoMessage(text: "a"))
            await expectStatus(.unavailable) { _ = try await failing.finish() }
            #expect(log.seen("j").count == 4)
            #expect(recorder.ends.value == [.ok, .unavailable])
        }
    }
}
