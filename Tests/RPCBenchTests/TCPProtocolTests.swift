import EventIO
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// The raw-TCP baseline over real loopback sockets: every scenario kind, echo checked byte for byte by
/// the driver, and a peer that does not speak the framing.
@Suite struct TCPProtocolTests {
    /// `calls` calls of `id` (downloads: `calls` Download calls of 16 frames), no warm-up.
    func measure(_ id: String, rate: Double? = nil, calls: Int = 40) async throws -> BenchResult {
        let server = try TCPBenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        let client = try TCPBenchClient(threads: 1)
        let runner = ScenarioRunner(client: client, target: Target(host: "127.0.0.1", port: server.port))
        let plan = LoadPlan(
            scenario: try Scenario.parse(id), duration: 1, warmup: 0, rate: rate, downloadCount: 16,
            replyTimeout: 30, calls: calls)
        defer { Task { await server.stop() } }
        return try await runner.run(plan)
    }

    @Test(arguments: ["unary-1x1-16B", "unary-2x16-4KiB", "unary-1x4-0B", "pingpong-1x2-100B", "unary-1x1-64KiB"])
    func echoesAreVerifiedByteForByte(id: String) async throws {
        let result = try await measure(id)
        #expect(result.calls == 40)
        #expect(
            result.megabytesPerSecond * 1e6 * result.seconds >= Double(
                result.calls * (try Scenario.parse(id)).payloadSize) * 0.99)
        #expect(result.p50 != nil)
    }

    @Test func downloadsStreamFramesOfTheAskedSize() async throws {
        let result = try await measure("download-1x1-64KiB", calls: 2)
        #expect(result.calls == 32)
        #expect(abs(result.megabytesPerSecond * 1e6 * result.seconds - Double(result.calls * 65536)) < 1)
    }

    @Test func openLoopRate() async throws {
        // Paced: no faster than asked however fast the machine (closed loop, the same scenario runs at
        // well over 10,000/s): the 200th call is not due before 199 intervals of 0.5 ms.
        let result = try await measure("unary-1x8-16B", rate: 2000, calls: 200)
        #expect(result.calls == 200)
        #expect(result.callsPerSecond < 2000 * 1.05)
    }

    @Test func aServerThatDoesNotSpeakTheFramingIsReportedNotWaitedFor() async throws {
        // A listener that accepts and sends back garbage: a length field far above the limit.
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { connection in
            connection.start(delegate: GarbageSender())
        }
        let client = try TCPBenchClient(threads: 1)
        let runner = ScenarioRunner(client: client, target: Target(host: "127.0.0.1", port: listener.localAddress.port))
        let plan = LoadPlan(scenario: try Scenario.parse("unary-1x1-16B"), duration: 5, warmup: 0, replyTimeout: 2)
        await #expect {
            _ = try await runner.run(plan)
        } throws: { error in
            guard case .peer(let message) = error as? BenchError else { return false }
            return message.contains("not the rpcbench tcp framing")
        }
        await listener.close()
    }

    @Test func refusedConnectionIsOneLine() async throws {
        let client = try TCPBenchClient(threads: 1)
        await #expect {
            _ = try await client.connect(to: Target(host: "127.0.0.1", port: 1))
        } throws: { error in
            guard case .connect(let message) = error as? BenchError else { return false }
            return message.contains("nothing listens on 127.0.0.1:1")
        }
    }

    @Test func frameSplitterHandlesHeadersSplitAcrossReads() {
        var splitter = TCPFrameSplitter()
        let stream: [UInt8] = [0, 0, 0, 3, 7, 8, 9, 0, 0, 0, 0, 0, 0, 0, 1, 5]
        var events: [TCPFrameSplitter.Event] = []
        // Feed one byte at a time: the worst case for a parser.
        for i in stream.indices {
            let chunk = [stream[i]]
            var offset = 0
            while let (event, next) = splitter.next(chunk.span, from: offset) {
                offset = next
                events.append(event)
                if case .header(let n) = event { splitter.expectPayload(Int(n)) }
            }
        }
        #expect(
            events == [
                .header(3), .payload(offset: 0, count: 1, frameDone: false),
                .payload(offset: 0, count: 1, frameDone: false),
                .payload(offset: 0, count: 1, frameDone: true), .header(0), .header(1),
                .payload(offset: 0, count: 1, frameDone: true),
            ])
    }

    @Test func downloadRequestRoundTrips() {
        let request = TCPFraming.downloadRequest(size: 65536, count: 5_000_000_000 & 0x7fff_ffff)
        #expect(request.prefix(4) == [0x80, 0, 0, 12])
        let parsed = TCPFraming.parseDownloadRequest(Array(request.dropFirst(4)))
        #expect(parsed?.size == 65536 && parsed?.count == 5_000_000_000 & 0x7fff_ffff)
        #expect(TCPFraming.parseDownloadRequest([0, 0, 0, 0] + [0, 0, 0, 0, 0, 0, 0, 1]) == nil)
    }
}

/// Answers anything with bytes that are not a frame of the rpcbench tcp framing.
final class GarbageSender: TCPConnectionDelegate {
    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        connection.write(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8))
    }
    func connectionClosed(_ connection: TCPConnection, error: IOError?) {}
}
