import Synchronization
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// The driver's own logic, over in-memory connections (the protocols' integration tests use sockets).
/// Runs are a fixed number of calls (`calls`), so that what is asserted is a count, not what a busy
/// machine managed within a time window. Replies may wait long for a thread when the whole suite runs
/// in parallel: the reply timeout is 60 s.
@Suite struct LoadDriverTests {
    func run(
        _ connection: MemoryConnection, _ scenario: String, calls: Int = 200, rate: Double? = nil,
        replyTimeout: Double = 60, afterCalls: (count: Int, action: @Sendable () -> Void)? = nil
    ) async throws -> LoadMeasurement {
        let plan = LoadPlan(
            scenario: try Scenario.parse(scenario), duration: 1, warmup: 0, rate: rate,
            downloadCount: 10, replyTimeout: replyTimeout, calls: calls)
        var driver = LoadDriver(plan: plan, label: "test", peerDescription: "the memory server")
        driver.afterCalls = afterCalls
        return try await driver.run(connections: [connection])
    }

    @Test func closedLoopCountsVerifiedCalls() async throws {
        let connection = MemoryConnection(serviceTime: .milliseconds(1))
        let m = try await run(connection, "unary-1x4-16B", calls: 200)
        #expect(m.calls == 200)
        #expect(connection.calls.load(ordering: .relaxed) == 200)
        #expect(m.bytes == 200 * 16)
        #expect(m.latencies.count == 200)
        #expect(m.errors.isEmpty)
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
            _ = try await run(MemoryConnection(.silent), "pingpong-1x1-16B", replyTimeout: 0.3)
        } throws: { error in
            guard case .timeout(let message) = error as? BenchError else { return false }
            return message.contains("no reply from the memory server")
        }
    }

    @Test func downloadsCountMessagesAndCheckTheirSize() async throws {
        // 5 Download calls of 10 messages each.
        let m = try await run(MemoryConnection(serviceTime: .microseconds(100)), "download-1x1-4KiB", calls: 5)
        #expect(m.calls == 50)
        #expect(m.bytes == 50 * 4096)
        await #expect {
            _ = try await run(MemoryConnection(.corrupt), "download-1x1-4KiB")
        } throws: { error in
            guard case .peer(let message) = error as? BenchError else { return false }
            return message.contains("4095 bytes")
        }
    }

    @Test func failedCallsAreCountedPerStatusAndTheRunGoesOn() async throws {
        let m = try await run(MemoryConnection(.failEvery(4)), "unary-1x8-16B", calls: 400)
        #expect(m.errors == ["UNAVAILABLE": 100])
        #expect(m.calls == 300)
        #expect(m.latencies.count == 300)
        let result = BenchResult(protocolName: "grpc", target: "memory", measurement: m, serverRSS: nil)
        #expect(result.errors == 100)
        #expect(result.errorsByStatus == ["UNAVAILABLE": 100])
    }

    @Test func aRunInWhichEveryCallFailsThrowsTheFirstFailure() async throws {
        await #expect {
            _ = try await run(MemoryConnection(.failEvery(0)), "unary-1x2-16B", calls: 50)
        } throws: { error in
            guard case .call(let status, let message) = error as? BenchError else { return false }
            return status == "UNAVAILABLE" && message.hasPrefix("memory: call ")
        }
    }

    @Test func theActionAfterNCallsRunsOnceAtThatCount() async throws {
        let seen = Mutex<[Int]>([])
        let connection = MemoryConnection(serviceTime: .microseconds(100))
        _ = try await run(
            connection, "unary-1x1-16B", calls: 100,
            afterCalls: (40, { seen.withLock { $0.append(connection.calls.load(ordering: .relaxed)) } }))
        // One call at a time: the 40th call's completion is the 40th call.
        #expect(seen.withLock { $0 } == [40])
    }

    @Test func aRunWithoutAnEndStopsWhenAskedAndReportsWhatItMeasured() async throws {
        let stop = LoadStop()
        var driver = LoadDriver(
            plan: LoadPlan(scenario: try Scenario.parse("unary-1x2-16B"), duration: 3600, warmup: 0, replyTimeout: 60),
            label: "test", peerDescription: "the memory server")
        driver.afterCalls = (50, { stop.request() })
        driver.stop = stop
        // Calls that suspend (as a socket's do): a connection that never did would keep the pool's
        // threads from the driver's own task.
        let m = try await driver.run(connections: [MemoryConnection(serviceTime: .microseconds(100))])
        #expect(m.calls >= 50)
        #expect(m.latencies.count == UInt64(m.calls))
    }

    @Test func openLoopKeepsTheRateAndCountsQueueingFromTheIntendedTime() async throws {
        // 10 ms per call, one call in flight, 200 calls/s asked: the server can do 100/s, so calls queue
        // and their latency, counted from when each should have been sent, keeps growing: the 100th
        // call was due at 0.5 s and ends after 1 s at the earliest.
        let slow = try await run(
            MemoryConnection(serviceTime: .milliseconds(10)), "unary-1x1-16B", calls: 100, rate: 200)
        #expect(slow.calls == 100)
        #expect(slow.callsPerSecond < 110)
        let slowP99 = try #require(slow.latencies.microseconds(atPercentile: 99))
        #expect(slowP99 > 100_000)

        // The same server at 50 calls/s: 25 calls take at least 24 intervals of 20 ms however fast the
        // machine (closed loop would be 100/s), and every call that was sent is counted once.
        let paced = try await run(
            MemoryConnection(serviceTime: .milliseconds(10)), "unary-1x1-16B", calls: 25, rate: 50)
        #expect(paced.calls == 25)
        #expect(paced.callsPerSecond < 75)
        #expect(paced.latencies.count == 25)
    }
}
