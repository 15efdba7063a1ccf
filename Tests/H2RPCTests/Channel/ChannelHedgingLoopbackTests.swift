import EventIO
import Testing
@testable import H2RPC

/// gRFC A6 hedging of unary calls through `RPCChannel`, against a real server whose first attempt
/// of a call either hangs (until cancelled) or fails with a chosen status.
@Suite struct ChannelHedgingLoopbackTests {
    /// What the server saw: each attempt's `grpc-previous-rpc-attempts`, and cancelled attempts.
    final class Log: Sendable {
        private let events = WaitableState<[String]>([])
        func note(_ event: String) { events.update { $0.append(event) } }
        var all: [String] { events.value }
        func waitFor(_ event: String) async -> Bool {
            (try? await events.wait { $0.contains(event) ? true : nil }) ?? false
        }
    }

    /// The first attempt of a call (no `grpc-previous-rpc-attempts`): `hang` sleeps until
    /// cancelled; a number fails with that status code. Later attempts answer with their number.
    struct HedgeService: RPCService {
        let log: Log
        var methods: [RPCMethod] {
            [
                .unary(path: "/test.Echo/Get", service: self) {
                    (s: HedgeService, req: EchoMessage, ctx: ServerContext) -> EchoMessage in
                    // Attempts may reach the server in any order: the header says which one this is.
                    let previous = ctx.requestMetadata["grpc-previous-rpc-attempts"]
                    s.log.note("attempt \(previous ?? "none")")
                    let attempt = 1 + (previous.flatMap { Int($0) } ?? 0)
                    if attempt == 1 {
                        if req.text == "hang" {
                            do {
                                try await Task.sleep(for: .seconds(60))
                            } catch {
                                s.log.note("first attempt cancelled")
                                throw error
                            }
                        } else {
                            throw RPCError(
                                code: StatusCode(rawValue: Int(req.text) ?? 2), message: "first attempt fails")
                        }
                    }
                    return EchoMessage(text: "answered", number: Int32(attempt))
                }
            ]
        }
    }

    static func config(maxAttempts: Int, delay: String) throws -> RPCChannel.Configuration {
        var config = RPCChannel.Configuration()
        config.serviceConfig = try ServiceConfig(
            json: """
                {"methodConfig":[{"name":[{"service":"test.Echo"}],
                  "hedgingPolicy":{"maxAttempts":\(maxAttempts),"hedgingDelay":"\(delay)","nonFatalStatusCodes":["UNAVAILABLE"]}}]}
                """)
        return config
    }

    func withHedgeServer(
        _ config: RPCChannel.Configuration, _ body: (RPCChannel, Log) async throws -> Void
    ) async throws {
        let log = Log()
        try await withServer(services: [HedgeService(log: log)], channelConfiguration: config) { _, channel, _ in
            try await body(channel, log)
        }
    }

    static func call(_ channel: RPCChannel, _ text: String) async throws -> EchoMessage {
        try await channel.unary(
            path: "/test.Echo/Get", request: EchoMessage(text: text), as: EchoMessage.self,
            options: CallOptions(timeout: .seconds(30)))
    }

    @Test func aSecondAttemptStartsAfterTheDelayItsAnswerWinsAndTheFirstIsCancelled() async throws {
        try await withHedgeServer(try Self.config(maxAttempts: 2, delay: "0.02s")) { channel, log in
            let reply = try await Self.call(channel, "hang")
            #expect(reply == EchoMessage(text: "answered", number: 2))
            #expect(await log.waitFor("first attempt cancelled"))
            #expect(log.all.filter { $0.hasPrefix("attempt ") }.sorted() == ["attempt 1", "attempt none"])
        }
    }

    @Test func aNonFatalFailureStartsTheNextAttemptAtOnce() async throws {
        // The delay is far longer than the call: only the non-fatal failure can start attempt 2.
        try await withHedgeServer(try Self.config(maxAttempts: 3, delay: "20s")) { channel, log in
            let reply = try await Self.call(channel, String(StatusCode.unavailable.rawValue))
            #expect(reply.number == 2)
            #expect(log.all == ["attempt none", "attempt 1"])
        }
    }

    @Test func aFatalFailureEndsTheCallWithoutAnotherAttempt() async throws {
        try await withHedgeServer(try Self.config(maxAttempts: 3, delay: "20s")) { channel, log in
            let error = await expectStatus(.failedPrecondition) {
                _ = try await Self.call(channel, String(StatusCode.failedPrecondition.rawValue))
            }
            #expect(error?.message == "first attempt fails")
            #expect(log.all == ["attempt none"])
        }
    }
}
