import EventIO
import Testing
@testable import H2RPC

/// gRFC A6 retries of unary calls through `RPCChannel`, against a real server whose handler fails
/// the first attempts of each call with a chosen status and records what every attempt carried.
@Suite struct ChannelRetryLoopbackTests {
    /// Per call key (the request's text): the `grpc-previous-rpc-attempts` of each attempt seen.
    final class AttemptLog: Sendable {
        private let attempts = WaitableState<[String: [String]]>([:])
        func record(_ key: String, _ previous: String) -> Int {
            attempts.update { log in
                log[key, default: []].append(previous)
                return log[key]!.count
            }
        }
        func seen(_ key: String) -> [String] { attempts.value[key] ?? [] }
    }

    /// `/test.Echo/Get` failing attempt 1…`number` of each call with the status code named by
    /// the metadata `x-fail-code`, then answering.
    struct FlakyService: RPCService {
        let log: AttemptLog
        var methods: [RPCMethod] {
            [
                .unary(path: "/test.Echo/Get", service: self) {
                    (s: FlakyService, req: EchoMessage, ctx: ServerContext) -> EchoMessage in
                    let attempt = s.log.record(req.text, ctx.requestMetadata["grpc-previous-rpc-attempts"] ?? "none")
                    if attempt <= Int(req.number) {
                        let code = StatusCode(rawValue: Int(ctx.requestMetadata["x-fail-code"] ?? "14") ?? 14)
                        var trailers = Metadata()
                        if let pushback = ctx.requestMetadata["x-pushback"] {
                            trailers.add("grpc-retry-pushback-ms", pushback)
                        }
                        throw RPCError(
                            code: code, message: "attempt \(attempt) fails on purpose", trailingMetadata: trailers)
                    }
                    return EchoMessage(text: "ok after \(attempt)", number: Int32(attempt))
                },
                // Fails attempt 1…`number` before sending anything (Trailers-Only), then streams three messages.
                .serverStreaming(path: "/test.Echo/Expand", service: self) {
                    (s: FlakyService, req: EchoMessage, out: ResponseWriter<EchoMessage>, ctx: ServerContext) in
                    let attempt = s.log.record(req.text, ctx.requestMetadata["grpc-previous-rpc-attempts"] ?? "none")
                    if attempt <= Int(req.number) {
                        throw RPCError(code: .unavailable, message: "attempt \(attempt) fails on purpose")
                    }
                    for i in 0..<3 { try await out.send(EchoMessage(text: "part", number: Int32(i))) }
                },
            ]
        }
    }

    static func config(
        maxAttempts: Int = 4, codes: String = #""UNAVAILABLE""#, throttling: String = ""
    ) throws -> RPCChannel.Configuration {
        var config = RPCChannel.Configuration()
        config.serviceConfig = try ServiceConfig(
            json: """
                {"methodConfig":[{"name":[{"service":"test.Echo"}],
                  "retryPolicy":{"maxAttempts":\(maxAttempts),"initialBackoff":"0.01s","maxBackoff":"0.05s",
                                 "backoffMultiplier":2,"retryableStatusCodes":[\(codes)]}}]\(throttling)}
                """)
        return config
    }

    func withFlakyServer(
        _ config: RPCChannel.Configuration, _ body: (RPCChannel, AttemptLog) async throws -> Void
    ) async throws {
        let log = AttemptLog()
        try await withServer(services: [FlakyService(log: log)], channelConfiguration: config) { _, channel, _ in
            try await body(channel, log)
        }
    }

    static func call(
        _ channel: RPCChannel, key: String, failures: Int32, code: StatusCode = .unavailable, pushback: String? = nil
    ) async throws -> EchoMessage {
        var metadata = Metadata([("x-fail-code", String(code.rawValue))])
        if let pushback { metadata.add("x-pushback", pushback) }
        return try await channel.unary(
            path: "/test.Echo/Get", request: EchoMessage(text: key, number: failures), as: EchoMessage.self,
            options: CallOptions(timeout: .seconds(20), metadata: metadata))
    }

    @Test func aNegativePushbackStopsRetriesOfARetryableStatus() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            await expectStatus(.unavailable) { _ = try await Self.call(channel, key: "k", failures: 1, pushback: "-1") }
            #expect(log.seen("k") == ["none"])
        }
    }

    @Test func aPushbackDelayIsFollowedAndTheCallRetried() async throws {
        // The policy's backoff would be 10 ms; the server says 0 ms: either way attempt 2 succeeds.
        try await withFlakyServer(try Self.config()) { channel, log in
            _ = try await Self.call(channel, key: "k", failures: 1, pushback: "0")
            #expect(log.seen("k") == ["none", "1"])
        }
    }

    @Test func aMalformedPushbackMeansStop() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            await expectStatus(.unavailable) {
                _ = try await Self.call(channel, key: "k", failures: 1, pushback: "007")
            }
            #expect(log.seen("k") == ["none"])
        }
    }

    @Test func aCallFailingTwiceSucceedsOnItsThirdAttemptAndEachAttemptSaysHowManyCameBefore() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let reply = try await Self.call(channel, key: "k", failures: 2)
            #expect(reply.number == 3)
            #expect(log.seen("k") == ["none", "1", "2"])
        }
    }

    @Test func attemptsStopAtMaxAttemptsWithTheLastStatus() async throws {
        try await withFlakyServer(try Self.config(maxAttempts: 3)) { channel, log in
            let error = await expectStatus(.unavailable) { _ = try await Self.call(channel, key: "k", failures: 10) }
            #expect(error?.message == "attempt 3 fails on purpose")
            #expect(log.seen("k") == ["none", "1", "2"])
        }
    }

    @Test func aStatusNotListedAsRetryableIsNotRetried() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            await expectStatus(.failedPrecondition) {
                _ = try await Self.call(channel, key: "k", failures: 1, code: .failedPrecondition)
            }
            #expect(log.seen("k") == ["none"])
        }
    }

    @Test func statusCodesMayBeListedByNumber() async throws {
        try await withFlakyServer(try Self.config(codes: "14, 9")) { channel, log in
            _ = try await Self.call(channel, key: "k", failures: 1, code: .failedPrecondition)
            #expect(log.seen("k") == ["none", "1"])
        }
    }

    @Test func throttlingStopsRetriesWhenTheTokenBucketIsAtHalf() async throws {
        // 4 tokens: each failed attempt takes one; retries are allowed only while more than 2 remain.
        let throttling = #","retryThrottling":{"maxTokens":4,"tokenRatio":0.1}"#
        try await withFlakyServer(try Self.config(maxAttempts: 5, throttling: throttling)) { channel, log in
            // First call: attempt 1 fails (4→3, retry allowed), attempt 2 fails (3→2, not above half: stop).
            await expectStatus(.unavailable) { _ = try await Self.call(channel, key: "a", failures: 10) }
            #expect(log.seen("a") == ["none", "1"])
            // The bucket is at half: the next call's failure is final at once.
            await expectStatus(.unavailable) { _ = try await Self.call(channel, key: "b", failures: 10) }
            #expect(log.seen("b") == ["none"])
        }
    }

    @Test func aServerStreamingCallFailingBeforeItsHeadersIsRetriedThenStreamsEverything() async throws {
        try await withFlakyServer(try Self.config()) { channel, log in
            let call = try await channel.serverStreaming(
                path: "/test.Echo/Expand", request: EchoMessage(text: "s", number: 2), as: EchoMessage.self,
                options: CallOptions(timeout: .seconds(20)))
            var numbers: [Int32] = []
            for try await message in call { numbers.append(message.number) }
            #expect(numbers == [0, 1, 2])
            #expect(log.seen("s") == ["none", "1", "2"])
        }
    }

    @Test func aServerStreamingCallStopsRetryingAtMaxAttempts() async throws {
        try await withFlakyServer(try Self.config(maxAttempts: 2)) { channel, log in
            let error = await expectStatus(.unavailable) {
                _ = try await channel.serverStreaming(
                    path: "/test.Echo/Expand", request: EchoMessage(text: "s", number: 5), as: EchoMessage.self)
            }
            #expect(error?.message == "attempt 2 fails on purpose")
            #expect(log.seen("s") == ["none", "1"])
        }
    }

    @Test func withoutARetryPolicyAFailureIsFinal() async throws {
        try await withFlakyServer(RPCChannel.Configuration()) { channel, log in
            await expectStatus(.unavailable) { _ = try await Self.call(channel, key: "k", failures: 1) }
            #expect(log.seen("k") == ["none"])
        }
    }
}
