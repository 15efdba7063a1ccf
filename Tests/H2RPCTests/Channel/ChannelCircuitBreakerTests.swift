import Synchronization
import Testing
@testable import H2RPC

/// `RPCChannel.Configuration.circuitBreaker` against a real server that fails calls on demand; the
/// breaker's clock is a value the test moves, so nothing waits for wall-clock time.
@Suite struct ChannelCircuitBreakerTests {
    typealias Flaky = ChannelRetryLoopbackTests

    final class TestClock: Sendable {
        private let nanoseconds = Atomic<Int64>(0)
        var now: Duration { .nanoseconds(nanoseconds.load(ordering: .relaxed)) }
        func advance(by duration: Duration) {
            nanoseconds.add(
                duration.components.seconds * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000,
                ordering: .relaxed)
        }
    }

    @Test func opensAfterTheFailuresFailsFastWithoutTheServerThenHalfOpensAndClosesOnASuccessfulProbe() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(
            configuration: CircuitBreakerConfiguration(
                window: .seconds(60), failureThreshold: 3, openDuration: .seconds(30)),
            now: { clock.now })
        var states = breaker.stateChanges().makeAsyncIterator()
        #expect(await states.next() == .closed)
        var config = RPCChannel.Configuration()
        config.circuitBreaker = breaker
        let log = ChannelRetryLoopbackTests.AttemptLog()
        try await withServer(services: [ChannelRetryLoopbackTests.FlakyService(log: log)], channelConfiguration: config)
        { _, channel, _ in
            for _ in 0..<3 {
                await expectStatus(.unavailable) { _ = try await Flaky.call(channel, key: "down", failures: 100) }
            }
            #expect(await states.next() == .open)
            // Open: the call fails at once and the server never sees it.
            let error = await expectStatus(.unavailable) {
                _ = try await Flaky.call(channel, key: "down", failures: 100)
            }
            #expect(error?.message == "circuit open")
            #expect(log.seen("down").count == 3)
            // After the open duration one probe goes through; its success closes the circuit.
            clock.advance(by: .seconds(31))
            let probe = try await Flaky.call(channel, key: "up", failures: 0)
            #expect(probe.number == 1)
            #expect(await states.next() == .halfOpen)
            #expect(await states.next() == .closed)
            #expect(log.seen("up").count == 1)
        }
    }

    @Test func aFailedProbeOpensTheCircuitAgain() async throws {
        let clock = TestClock()
        let breaker = CircuitBreaker(
            configuration: CircuitBreakerConfiguration(
                window: .seconds(60), failureThreshold: 1, openDuration: .seconds(30)),
            now: { clock.now })
        var config = RPCChannel.Configuration()
        config.circuitBreaker = breaker
        let log = ChannelRetryLoopbackTests.AttemptLog()
        try await withServer(services: [ChannelRetryLoopbackTests.FlakyService(log: log)], channelConfiguration: config)
        { _, channel, _ in
            await expectStatus(.unavailable) { _ = try await Flaky.call(channel, key: "k", failures: 100) }
            #expect(breaker.state == .open)
            clock.advance(by: .seconds(31))
            await expectStatus(.unavailable) { _ = try await Flaky.call(channel, key: "k", failures: 100) }
            #expect(breaker.state == .open)
            #expect(log.seen("k").count == 2)
        }
    }
}
