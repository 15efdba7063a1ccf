import EventIO
import H2RPC
import Synchronization

struct PlainError: Error, CustomStringConvertible {
    var description: String { "secret internal detail" }
}

struct ChosenError: RPCErrorConvertible {
    var rpcError: RPCError { RPCError(code: .failedPrecondition, message: "shown on purpose") }
}

/// Records what happened inside handlers, for assertions.
final class HandlerProbe: Sendable {
    private let events = WaitableState<[String]>([])
    /// Messages a flooding handler has sent so far.
    let sent = Atomic<Int>(0)
    func note(_ e: String) { events.update { $0.append(e) } }
    var all: [String] { events.value }

    /// Waits until `event` was noted (false only when the waiting task is cancelled).
    func waitFor(_ event: String) async -> Bool {
        (try? await events.wait { $0.contains(event) ? true : nil }) ?? false
    }
}

/// `test.Echo`, written by hand the way generated code would register it.
struct TestEchoService: RPCService {
    let probe: HandlerProbe

    var methods: [RPCMethod] {
        [
            .unary(path: "/test.Echo/Get", service: self) { s, req, ctx in try await s.get(req, ctx) },
            .clientStreaming(path: "/test.Echo/Collect", service: self) {
                (s: TestEchoService, reqs: RequestStream<EchoMessage>, ctx: ServerContext) in
                var texts: [String] = []
                for try await r in reqs { texts.append(r.text) }
                return EchoMessage(text: texts.joined(separator: ","), number: Int32(texts.count))
            },
            .serverStreaming(path: "/test.Echo/Expand", service: self) {
                (s: TestEchoService, req: EchoMessage, out: ResponseWriter<EchoMessage>, ctx: ServerContext) in
                for i in 0..<req.number { try await out.send(EchoMessage(text: req.text, number: i)) }
            },
            .serverStreaming(path: "/test.Echo/Flood", service: self) {
                (s: TestEchoService, req: EchoMessage, out: ResponseWriter<EchoMessage>, ctx: ServerContext) in
                let chunk = EchoMessage(text: String(repeating: "f", count: 65_536))
                for _ in 0..<req.number {
                    try await out.send(chunk)
                    s.probe.sent.add(1, ordering: .relaxed)
                }
                s.probe.note("flood sent all")
            },
            .clientStreaming(path: "/test.Echo/SlowCollect", service: self) {
                (s: TestEchoService, reqs: RequestStream<EchoMessage>, ctx: ServerContext) in
                // Reads nothing until the test says so.
                guard await s.probe.waitFor("collect") else { throw CancellationError() }
                var count: Int32 = 0
                for try await _ in reqs { count += 1 }
                return EchoMessage(text: "", number: count)
            },
            .clientStreaming(path: "/test.Echo/Stall", service: self) {
                (s: TestEchoService, reqs: RequestStream<EchoMessage>, ctx: ServerContext) in
                // Reads nothing and answers nothing until cancelled.
                try await s.sleep(ctx)
                return EchoMessage()
            },
            .serverStreaming(path: "/test.Echo/StallStream", service: self) {
                (s: TestEchoService, req: EchoMessage, out: ResponseWriter<EchoMessage>, ctx: ServerContext) in
                try await s.sleep(ctx)
            },
            .bidiStreaming(path: "/test.Echo/Chat", service: self) {
                (
                    s: TestEchoService, reqs: RequestStream<EchoMessage>, out: ResponseWriter<EchoMessage>,
                    ctx: ServerContext
                ) in
                ctx.compressResponses = ctx.requestMetadata["x-compress"] == "yes"
                for try await r in reqs {
                    if r.text == "sleep" {
                        try await s.sleep(ctx)
                    }
                    try await out.send(EchoMessage(text: "echo:" + r.text, number: r.number))
                }
            },
        ]
    }

    func get(_ req: EchoMessage, _ ctx: ServerContext) async throws -> EchoMessage {
        switch req.text {
        case "throw": throw PlainError()
        case "chosen": throw ChosenError()
        case "status":
            throw RPCError(code: .notFound, message: "nope", trailingMetadata: Metadata([("x-why", "missing")]))
        case "sleep":
            try await sleep(ctx)
            return req
        case "metadata":
            ctx.responseMetadata.add("x-initial", ctx.requestMetadata["x-in"] ?? "")
            ctx.trailingMetadata.add("x-trailing-bin", binary: [0xAB, 0xAB, 0xAB])
            return req
        case "deadline":
            return EchoMessage(text: ctx.deadline == nil ? "none" : "set")
        default:
            return EchoMessage(text: req.text, number: req.number + 1)
        }
    }

    func sleep(_ ctx: ServerContext) async throws {
        probe.note("sleeping")
        do {
            try await Task.sleep(for: .seconds(30))
        } catch {
            probe.note("cancelled")
            throw error
        }
        probe.note("woke")
    }
}
