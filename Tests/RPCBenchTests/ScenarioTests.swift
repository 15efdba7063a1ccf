import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

@Suite struct ScenarioTests {
    @Test func standardIdsAreThoseOfScenariosMD() {
        #expect(
            Scenario.standard.map(\.id) == [
                "unary-1x1-16B", "unary-1x64-16B", "unary-1x64-4KiB", "pingpong-1x1-16B", "download-1x1-64KiB",
                "unary-1x1-1MiB",
            ])
    }

    @Test func parsesEveryPart() throws {
        let s = try Scenario.parse("unary-2x64-4KiB")
        #expect(s.kind == .unary && s.connections == 2 && s.concurrency == 64 && s.payloadSize == 4096)
        #expect(try Scenario.parse("download-1x1-65536").id == "download-1x1-64KiB")
        #expect(try Scenario.parse("pingpong-1x1-1500B").payloadSize == 1500)
        let large = try Scenario.parse("unary-1x1-1MiB")
        #expect(large.payloadSize == 1 << 20 && large.id == "unary-1x1-1MiB")
        #expect(try Scenario.parse("unary-1x1-4MiB").payloadSize == Scenario.maxPayload)
    }

    @Test(arguments: [
        ("unary-1x1", "not of the form"),
        ("stream-1x1-16B", "unknown kind 'stream'"),
        ("unary-1y1-16B", "'1y1' is not CONNECTIONSxOUTSTANDING"),
        ("unary-0x1-16B", "'0x1' is not CONNECTIONSxOUTSTANDING"),
        ("unary-1x1-16Q", "'16Q' is not a size"),
        ("unary-1x1-64MiB", "payload above 4MiB"),
        ("download-1x1-0B", "needs a message size above 0"),
    ])
    func rejectsBadIdsSayingWhichPart(id: String, message: String) {
        #expect {
            try Scenario.parse(id)
        } throws: { error in
            guard let error = error as? BenchError, case .usage(let text) = error else { return false }
            return text.contains(message)
        }
    }

    @Test func byteSizes() {
        #expect(ByteSize.parse("16B") == 16)
        #expect(ByteSize.parse("4KiB") == 4096)
        #expect(ByteSize.parse("4K") == 4096)
        #expect(ByteSize.parse("1MiB") == 1 << 20)
        #expect(ByteSize.parse("-1") == nil)
        #expect(ByteSize.parse("KiB") == nil)
        #expect(ByteSize.format(65536) == "64KiB")
        #expect(ByteSize.format(1500) == "1500B")
        #expect(ByteSize.format(3 << 20) == "3MiB")
    }

    @Test func targets() throws {
        #expect(try Target.parse("127.0.0.1:50051") == Target(host: "127.0.0.1", port: 50051))
        #expect(try Target.parse("[::1]:80") == Target(host: "::1", port: 80))
        #expect(try Target.parse("[::1]:80").description == "[::1]:80")
        #expect(throws: BenchError.self) { try Target.parse("localhost") }
        #expect(throws: BenchError.self) { try Target.parse("host:70000") }
    }

    @Test func planRejectsOpenLoopDownloads() {
        let plan = LoadPlan(scenario: Scenario.standard[4], duration: 1, warmup: 0, rate: 100)
        #expect(throws: BenchError.self) { try plan.validate() }
    }
}
