import EventIO
import Testing
@testable import H2RPC

/// gRFC A6 hedging of client-, server- and bidirectional-streaming calls through `RPCChannel`,
/// against a real server whose handlers hang (until cancelled) or fail chosen attempts of a call
/// and record what every attempt received.
@Suite struct ChannelStreamingHedgingLoopbackTests {
    /// Per call key (metadata `x-key`): each attempt's `grpc-previous-rpc-attempts`, the request
    /// texts it received, and whether it saw its stream cancelled.
    final class AttemptLog: Sendable {
        struct Attempt: Sendable, Equatable {
            var previous: String
            var texts: [String] = []
            var cancelled = false
        }
        private let attempts = WaitableState<[String: [Attempt]]>([:])

        /// Records a new attempt; returns its index (attempts reach the server in any order, so
        /// the header says which one it is).
        func begin(_ key: String, previous: String) -> Int {
            attempts.update { log in
                log[key, default: []].append(Attempt(previous: previous))
                return log[key]!.count - 1
            }
        }
        func received(_ key: String, _ index: Int, _ text: String) {
            attempts.update { $0[key]![index].texts.append(text) }
        }
        func cancelled(_ key: String, _ index: Int) { attempts.update { $0[key]![index].cancelled = true } }
        func seen(_ key: String) -> [Attempt] { attempts.value[key] ?? [] }
        /// The attempt sent `previous` (by `grpc-previous-rpc-attempts`), once it exists.
        func attempt(_ key: String, previous: String) -> Attempt? { seen(key).first { $0.previous == previous } }

        /// Waits until the attempt with that header satisfies `condition`.
        func waitFor(_ key: String, previous: String, _ condition: @escaping @Sendable (Attempt) -> Bool) async -> Bool
        {
            let met = try? await attempts.wait { log -> Bool? in
                guard let attempt = log[key]?.first(where: { $0.previous == previous }), condition(attempt) else {
                    return nil
                }
                return true
            }
            return met ?? false
        }
    }

    /// The first attempt of a call (no `grpc-previous-rpc-attempts`) hangs until cancelled when
    /// `x-hang` is set, or fails with status `x-fail-code` when `x-fail` is set (every attempt when
    /// `x-fail` is `all`). Later attempts answer: `Collect` once the first attempt received
    /// `x-wait` messages, with the texts joined; `Chat` echoes each request; `Expand` streams three.
    struct HedgedService: RPCService {
        let log: AttemptLog

        struct Attempt {
            let key: String
            let index: Int
            let isFirst: Bool
            let hangs: Bool
            let failure: RPCError?
        }

        func begin(_ ctx: ServerContext) -> Attempt {
            let key = ctx.requestMetadata["x-key"] ?? ""
            let previous = ctx.requestMetadata["grpc-previous-rpc-attempts"] ?? "none"
            let index = log.begin(key, previous: previous)
            let isFirst = previous == "none"
            let fail = ctx.requestMetadata["x-fail"]
            let code = StatusCode(rawValue: Int(ctx.requestMetadata["x-fail-code"] ?? "14") ?? 14)
            let failure =
                (fail == "all" || (fail != nil && isFirst))
                ? RPCError(code: code, message: "attempt \(previous) fails on purpose") : nil
            return Attempt(
                key: key, index: index, isFirst: isFirst, hangs: isFirst && ctx.requestMetadata["x-hang"] != nil,
                failure: failure)
        }

        /// Sleeps until the stream is cancelled, and notes that it was.
        func hang(_ attempt: Attempt) async throws {
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                log.cancelled(attempt.key, attempt.index)
                throw error
            }
        }

        var methods: [RPCMethod] {
            [
                .clientStreaming(path: "/test.Echo/Collect", service: self) {
                    (s: HedgedService, reqs: RequestStream<EchoMessage>, ctx: ServerContext) in
                    let attempt = s.begin(ctx)
                    var texts: [String] = []
                    for try await r in reqs {
                        s.log.received(attempt.key, attempt.index, r.text)
                        texts.append(r.text)
                    }
                    if let failure = attempt.failure { throw failure }
                    if attempt.hangs { try await s.hang(attempt) }
                    let wanted = Int(ctx.requestMetadata["x-wait"] ?? "0") ?? 0
                    _ = await s.log.waitFor(attempt.key, previous: "none") { $0.texts.count >= wanted }
                    return EchoMessage(text: texts.joined(separator: ","), number: Int32(attempt.index))
                },
                .bidiStreaming(path: "/test.Echo/Chat", service: self) {
                    (
                        s: HedgedService, reqs: RequestStream<EchoMessage>, out: ResponseWriter<EchoMessage>,
                        ctx: ServerContext
                    ) in
                    let attempt = s.begin(ctx)
                    do {
                        for try await r in reqs {
                            s.log.received(attempt.key, attempt.index, r.text)
                            if let failure = attempt.failure { throw failure }
                            if !attempt.hangs { try await out.send(EchoMessage(text: "echo:" + r.text)) }
                        }
                    } catch let error as RPCError where error.code != .cancelled {
                        throw error
                    } catch {
                        s.log.cancelled(attempt.key, attempt.index)
                        throw error
                    }
                    if attempt.hangs { try await s.hang(attempt) }
                },
                .serverStreaming(path: "/test.Echo/Expand", service: self) {
                    (s: HedgedService, req: EchoMessage, out: ResponseWriter<EchoMessage>, ctx: ServerContext) in
                    let attempt = s.begin(ctx)
                    s.log.received(attempt.key, attempt.index, req.text)
                    if let failure = attempt.failure { throw failure }
                    if attempt.hangs { try await s.hang(attempt) }
                    for i in 0..<3 { try await out.send(EchoMessage(text: "part", number: Int32(i))) }
                },
            ]
        }
    }

    static func config(
        maxAttempts: Int = 3, delay: String = "0.02s", perCallBufferLimit: Int? = nil, throttling: String = ""
    ) throws -> RPCChannel.Configuration {
        var config = RPCChannel.Configuration()
        config.serviceConfig = try ServiceConfig(
            json: """
                {"methodConfig":[{"name":[{"service":"test.Echo"}],
                  "hedgingPolicy":{"maxAttempts":\(maxAttempts),"hedgingDelay":"\(delay)",
                                   "nonFatalStatusCodes":["UNAVAILABLE"]}}]\(throttling)}
                """)
        if let perCallBufferLimit { config.perCallRetryBufferLimit = perCallBufferLimit }
        return config
    }

    func withHedgedServer(
        _ config: RPCChannel.Configuration, _ body: (RPCChannel, AttemptLog) async throws -> Void
    ) async throws {
        let log = AttemptLog()
        try await withServer(services: [HedgedService(log: log)], channelConfiguration: config) { _, channel, _ in
            try await body(channel, log)
            // Every call ended: nothing is kept for hedging any more.
            #expect(channel.retryBuffer.bytesInUse == 0)
        }
    }

    static func options(key: String, _ extra: [(String, String)] = []) -> CallOptions {
        CallOptions(timeout: .seconds(20), metadata: Metadata([("x-key", key)] + extra))
    }

    static let sent = (0..<5).map { "m\($0)" }

    @Test func aClientStreamingCallSendsEveryMessageToBothAttemptsTheAnswerWinsTheHungOneIsCancelled() async throws {
        try await withHedgedServer(try Self.config(maxAttempts: 2)) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect",
                options: Self.options(key: "c", [("x-hang", "1"), ("x-wait", String(Self.sent.count))]))
            for text in Self.sent { try await call.send(EchoMessage(text: text)) }
            let reply = try await call.finish()
            // The second attempt answered, after the first received every message too.
            #expect(reply.text == Self.sent.joined(separator: ","))
            #expect(log.attempt("c", previous: "1")?.texts == Self.sent)
            #expect(log.attempt("c", previous: "none")?.texts == Self.sent)
            #expect(log.seen("c").map(\.previous).sorted() == ["1", "none"])
            // The hung first attempt's stream was reset.
            #expect(await log.waitFor("c", previous: "none") { $0.cancelled })
        }
    }

    @Test func aBidiCallCommitsToTheAttemptThatAnswersAndLaterMessagesGoOnlyToIt() async throws {
        try await withHedgedServer(try Self.config(maxAttempts: 2)) { channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", options: Self.options(key: "b", [("x-hang", "1")]))
            var responses = call.responses.makeAsyncIterator()
            try await call.send(EchoMessage(text: "first"))
            // The echo comes from the second attempt (the first never answers): it commits the call.
            #expect(try await responses.next()?.text == "echo:first")
            #expect(await log.waitFor("b", previous: "none") { $0.cancelled })
            for text in Self.sent { try await call.send(EchoMessage(text: text)) }
            call.finish()
            var echoed: [String] = []
            while let reply = try await responses.next() { echoed.append(reply.text) }
            #expect(echoed == Self.sent.map { "echo:" + $0 })
            #expect(log.attempt("b", previous: "1")?.texts == ["first"] + Self.sent)
            #expect(log.seen("b").count == 2)
        }
    }

    @Test func aServerStreamingCallIsReturnedByTheAttemptWhoseHeadersArriveFirst() async throws {
        try await withHedgedServer(try Self.config(maxAttempts: 2)) { channel, log in
            let call: ServerStreamingCall<EchoMessage> = try await channel.serverStreaming(
                path: "/test.Echo/Expand", request: EchoMessage(text: "go"),
                options: Self.options(key: "s", [("x-hang", "1")]))
            var parts: [Int32] = []
            for try await part in call { parts.append(part.number) }
            #expect(parts == [0, 1, 2])
            #expect(await log.waitFor("s", previous: "none") { $0.cancelled })
            // The request reached both attempts.
            #expect(log.seen("s").map(\.previous).sorted() == ["1", "none"])
            #expect(log.seen("s").map(\.texts) == [["go"], ["go"]])
        }
    }

    @Test func aNonFatalFailureStartsTheNextStreamingAttemptAtOnce() async throws {
        // The delay is far longer than the call: only the non-fatal failure can start attempt 2.
        try await withHedgedServer(try Self.config(maxAttempts: 3, delay: "20s")) { channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "n", [("x-fail", "1")]))
            for text in Self.sent { try await call.send(EchoMessage(text: text)) }
            let reply = try await call.finish()
            #expect(reply.text == Self.sent.joined(separator: ","))
            #expect(log.seen("n").map(\.previous) == ["none", "1"])
            #expect(log.seen("n").map(\.texts) == [Self.sent, Self.sent])
        }
    }

    @Test func aFatalFailureEndsTheStreamingCallWithoutAnotherAttempt() async throws {
        try await withHedgedServer(try Self.config(maxAttempts: 3, delay: "20s")) { channel, log in
            let options = Self.options(
                key: "f", [("x-fail", "1"), ("x-fail-code", String(StatusCode.failedPrecondition.rawValue))])
            let error = await expectStatus(.failedPrecondition) {
                let _: ServerStreamingCall<EchoMessage> = try await channel.serverStreaming(
                    path: "/test.Echo/Expand", request: EchoMessage(text: "go"), options: options)
            }
            #expect(error?.message == "attempt none fails on purpose")
            #expect(log.seen("f").map(\.previous) == ["none"])
        }
    }

    @Test func aMessageOutgrowingTheBufferCommitsToTheRunningAttempt() async throws {
        // 40-byte messages, a 100-byte buffer: the third message commits the call to attempt 1,
        // whose non-fatal failure then ends the call.
        try await withHedgedServer(try Self.config(maxAttempts: 3, delay: "20s", perCallBufferLimit: 100)) {
            channel, log in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", options: Self.options(key: "o", [("x-fail", "1")]))
            let sent = (0..<4).map { "m\($0)" + String(repeating: "x", count: 38) }
            for text in sent { try await call.send(EchoMessage(text: text)) }
            let error = await expectStatus(.unavailable) { _ = try await call.finish() }
            #expect(error?.message == "attempt none fails on purpose")
            #expect(log.seen("o") == [AttemptLog.Attempt(previous: "none", texts: sent)])
        }
    }

    @Test func throttlingStopsHedgingWhenTheTokenBucketIsAtHalf() async throws {
        // 4 tokens: two failures leave 2, no more than half, so no third attempt starts.
        let throttling = #","retryThrottling":{"maxTokens":4,"tokenRatio":0.1}"#
        try await withHedgedServer(try Self.config(maxAttempts: 5, delay: "20s", throttling: throttling)) {
            channel, log in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", options: Self.options(key: "t", [("x-fail", "all")]))
            try await call.send(EchoMessage(text: "one"))
            call.finish()
            await expectStatus(.unavailable) { for try await _ in call.responses {} }
            #expect(log.seen("t").map(\.previous) == ["none", "1"])
        }
    }
}
