import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// The driver's own logic, over in-memory connections (the protocols' integration tests use sockets).
/// Replies may wait long for a thread when the whole suite runs in parallel: the reply timeout is 60 s.
@Suite struct LoadDriverTests {
    func run(
        _ connection: MemoryConnection, _ scenario: String, duration: Double = 0.3, rate: Double? = nil,
        replyTimeout: Double = 60
    ) async throws -> LoadMeasurement {
        let plan = LoadPlan(
            scenario: try Scenario.parse(scenario), duration: duration, warmup: 0.05, rate: rate,
            downloadCount: 10, replyTimeout: replyTimeout)
        let driver = LoadDriver(plan: plan, label: "test", peerDescription: "the memory server")
        return try await driver.run(connections: [connection])
    }

    @Test func closedLoopCountsVerifiedCalls() async throws {
        let m = try await run(MemoryConnection(serviceTime: .milliseconds(1)), "unary-1x4-16B")
        #expect(m.calls > 0)
        #expect(m.bytes == m.calls * 16)
        #expect(m.latencies.count == UInt64(m.calls))
        // Each call sleeps 1 ms: no latency can be below it.
        let fastest = try #require(m.latencies.microseconds(atPercentile: 0))
        #expect(fastest >= 1000)
    }

    @Test func aCorruptedEchoFailsTheRunNamingTheByte() async throws {
        await #expect {
            _ = try await run(MemoryConnection(.corrupt), "unary-1x1-16B")
        } throws: { error in
            guard case .peer(let message) = error as? BenchError else { return false }
            return message.contains("byte 15 differs")
        }
    }

    @Test func aSilentPeerTimesOutInsteadOfHanging() async throws {
        await #expect {
            _ = try await run(MemoryConnection(.silent), "pingpong-1x1-16B", duration: 10, replyTimeout: 0.3)
        } throws: { error in
            guard case .timeout(let message) = error as? BenchError else { return false }
            return message.contains("no reply from the memory server")
        }
    }

    @Test func downloadsCountMessagesAndCheckTheirSize() async throws {
        let m = try await run(MemoryConnection(serviceTime: .microseconds(100)), "download-1x1-4KiB")
        #expect(m.calls > 0)
        #expect(m.bytes == m.calls * 4096)
        await #expect {
            _ = try await run(MemoryConnection(.corrupt), "download-1x1-4KiB")
        } throws: { error in
            guard case .peer(let message) = error as? BenchError else { return false }
            return message.contains("4095 bytes")
        }
    }

    @Test func openLoopKeepsTheRateAndCountsQueueingFromTheIntendedTime() async throws {
        // 10 ms per call, one call in flight, 200 calls/s asked: the server can do 100/s, so calls queue
        // and their latency, counted from when each should have been sent, keeps growing.
        let slow = try await run(
            MemoryConnection(serviceTime: .milliseconds(10)), "unary-1x1-16B", duration: 0.5, rate: 200)
        #expect(slow.callsPerSecond < 110)
        let slowP99 = try #require(slow.latencies.microseconds(atPercentile: 99))
        #expect(slowP99 > 100_000)

        // The same server at 50 calls/s: paced well below the 100/s it could serve (however fast the
        // machine), and every call that was sent is counted once.
        let paced = try await run(
            MemoryConnection(serviceTime: .milliseconds(10)), "unary-1x1-16B", duration: 0.5, rate: 50)
        #expect(paced.callsPerSecond < 75)  // closed loop would be 100/s
        #expect(paced.latencies.count == UInt64(paced.calls))
    }
}
