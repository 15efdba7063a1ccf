import EventIO
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// Plain HTTP/2 over real loopback sockets and real nghttp2: every scenario kind, echoes checked byte for
/// byte by the driver; a server without our paths; a peer that speaks another protocol.
@Suite struct H2ProtocolTests {
    func measure(_ id: String, server: (any BenchServer)? = nil) async throws -> BenchResult {
        let own = try H2BenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        let port = server?.port ?? own.port
        let client = try H2BenchClient(threads: 1)
        let runner = ScenarioRunner(client: client, target: Target(host: "127.0.0.1", port: port))
        // 40 calls (downloads: 2 calls of 16 messages), no warm-up: counts, not a time window.
        let scenario = try Scenario.parse(id)
        let plan = LoadPlan(
            scenario: scenario, duration: 1, warmup: 0, downloadCount: 16, replyTimeout: 3,
            calls: scenario.kind == .download ? 2 : 40)
        defer { Task { await own.stop() } }
        return try await runner.run(plan)
    }

    @Test(arguments: [
        "unary-1x1-16B", "unary-2x16-4KiB", "unary-1x4-0B", "pingpong-1x2-100B", "unary-1x1-48KiB",
        "pingpong-1x1-40KiB",
    ])
    func echoesAreVerifiedByteForByte(id: String) async throws {
        let result = try await measure(id)
        #expect(result.calls == 40)
        #expect(result.p50 != nil)
        #expect(
            abs(
                result.megabytesPerSecond * 1e6 * result.seconds
                    - Double(result.calls * (try Scenario.parse(id)).payloadSize)) < 1)
    }

    @Test func downloadsCountMessagesOfTheAskedSize() async throws {
        let result = try await measure("download-1x1-64KiB")
        #expect(result.calls == 32)
        #expect(abs(result.megabytesPerSecond * 1e6 * result.seconds - Double(result.calls * 65536)) < 1)
    }

    @Test func aTCPServerIsNotTakenForAnHTTP2One() async throws {
        let tcp = try TCPBenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        defer { Task { await tcp.stop() } }
        await #expect {
            _ = try await measure("unary-1x1-16B", server: tcp)
        } throws: { error in
            guard let error = error as? BenchError else { return false }
            switch error {
            case .peer, .connect, .timeout: return true
            default: return false
            }
        }
    }

    @Test func downloadQueriesAreChecked() {
        #expect(H2BenchHandlers.downloadQuery("/download?size=65536&count=3")! == (65536, 3))
        #expect(H2BenchHandlers.downloadQuery("/download?count=3") == nil)
        #expect(H2BenchHandlers.downloadQuery("/download?size=0&count=3") == nil)
        #expect(H2BenchHandlers.downloadQuery("/download?size=99999999&count=3") == nil)
    }
}
