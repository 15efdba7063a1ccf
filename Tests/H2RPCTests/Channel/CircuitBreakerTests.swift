import Synchronization
import Testing
@testable import H2RPC

@Suite struct CircuitBreakerTests {
    /// Time the test sets; the breaker reads it.
    final class TestClock: Sendable {
        private let time = Mutex(Duration.zero)
        var now: @Sendable () -> Duration { { self.time.withLock { $0 } } }
        func advance(_ by: Duration) { time.withLock { $0 += by } }
    }

    static let configuration = CircuitBreakerConfiguration(
        window: .seconds(10), bucketCount: 10, failureThreshold: 3, openDuration: .seconds(30), halfOpenProbes: 2)

    private func fail(_ breaker: CircuitBreaker, _ status: StatusCode = .unavailable) throws {
        let ticket = try breaker.admit()
        breaker.record(ticket, status: status, latency: .milliseconds(1))
    }

    private func succeed(_ breaker: CircuitBreaker) throws {
        let ticket = try breaker.admit()
        breaker.record(ticket, status: .ok, latency: .milliseconds(1))
    }

    @Test func opensAfterTheThresholdFailsFastThenHalfOpensAndClosesAfterProbes() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(configuration: Self.configuration, now: clock.now)
        var changes = breaker.stateChanges().makeAsyncIterator()
        #expect(await changes.next() == .closed)

        try fail(breaker)
        try fail(breaker, .invalidArgument)  // not a failure code
        try succeed(breaker)
        try fail(breaker)
        #expect(breaker.state == .closed)
        try fail(breaker)
        #expect(breaker.state == .open)
        #expect(await changes.next() == .open)

        #expect(throws: RPCError(code: .unavailable, message: "circuit open")) { try breaker.admit() }
        clock.advance(.seconds(29))
        #expect(throws: RPCError(code: .unavailable, message: "circuit open")) { try breaker.admit() }

        clock.advance(.seconds(1))
        let probe1 = try breaker.admit()
        #expect(breaker.state == .halfOpen)
        #expect(await changes.next() == .halfOpen)
        let probe2 = try breaker.admit()
        #expect(throws: RPCError(code: .unavailable, message: "circuit open")) { try breaker.admit() }  // probes taken
        breaker.record(probe1, status: .ok, latency: .milliseconds(1))
        #expect(breaker.state == .halfOpen)
        breaker.record(probe2, status: .ok, latency: .milliseconds(1))
        #expect(breaker.state == .closed)
        #expect(await changes.next() == .closed)
        // The window was cleared: it takes the full threshold again.
        try fail(breaker)
        try fail(breaker)
        #expect(breaker.state == .closed)
    }

    @Test func aFailedProbeOpensAgain() throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(configuration: Self.configuration, now: clock.now)
        for _ in 0..<3 { try fail(breaker) }
        clock.advance(.seconds(30))
        let probe = try breaker.admit()
        let late = try breaker.admit()
        breaker.record(probe, status: .unavailable, latency: .milliseconds(1))
        #expect(breaker.state == .open)
        breaker.record(late, status: .ok, latency: .milliseconds(1))  // from the old generation: ignored
        #expect(breaker.state == .open)
        clock.advance(.seconds(29))
        #expect(breaker.state == .open)  // the open time restarted
        clock.advance(.seconds(1))
        #expect(breaker.state == .halfOpen)
    }

    @Test func failuresOutsideTheWindowAreForgotten() throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(configuration: Self.configuration, now: clock.now)
        try fail(breaker)
        try fail(breaker)
        clock.advance(.seconds(10))  // both buckets slid out
        try fail(breaker)
        try fail(breaker)
        #expect(breaker.state == .closed)
        clock.advance(.seconds(9))  // still inside: 2 + 1
        try fail(breaker)
        #expect(breaker.state == .open)
    }

    @Test func slowCallsCountAsFailures() throws {
        let clock = TestClock()
        var configuration = Self.configuration
        configuration.slowCallThreshold = .milliseconds(500)
        let breaker = CircuitBreaker(configuration: configuration, now: clock.now)
        for _ in 0..<2 {
            let ticket = try breaker.admit()
            breaker.record(ticket, status: .ok, latency: .milliseconds(501))
        }
        let fast = try breaker.admit()
        breaker.record(fast, status: .ok, latency: .milliseconds(500))
        #expect(breaker.state == .closed)
        let slow = try breaker.admit()
        breaker.record(slow, status: .ok, latency: .seconds(2))
        #expect(breaker.state == .open)
    }

    @Test func failureRateAndMinimumCalls() throws {
        let clock = TestClock()
        let configuration = CircuitBreakerConfiguration(failureThreshold: 1, failureRateThreshold: 0.5, minimumCalls: 4)
        let breaker = CircuitBreaker(configuration: configuration, now: clock.now)
        try fail(breaker)
        try succeed(breaker)
        try succeed(breaker)
        #expect(breaker.state == .closed)  // fewer than 4 calls
        try succeed(breaker)
        #expect(breaker.state == .closed)  // 1 of 4 failed: below 50 %
        try fail(breaker)
        #expect(breaker.state == .closed)  // 2 of 5
        try fail(breaker)
        #expect(breaker.state == .open)  // 3 of 6: 50 %
    }

    @Test func abandonedProbeFreesItsSlot() throws {
        let clock = TestClock()
        var configuration = Self.configuration
        configuration.halfOpenProbes = 1
        let breaker = CircuitBreaker(configuration: configuration, now: clock.now)
        for _ in 0..<3 { try fail(breaker) }
        clock.advance(.seconds(30))
        let probe = try breaker.admit()
        #expect(throws: RPCError.self) { try breaker.admit() }
        breaker.abandon(probe)
        let next = try breaker.admit()
        breaker.record(next, status: .ok, latency: .zero)
        #expect(breaker.state == .closed)
    }
}
