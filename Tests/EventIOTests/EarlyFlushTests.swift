@testable import EventIO
import TestSupport
import Testing

/// Counts its end-of-turn calls. Loop thread only.
private final class TurnCounter: EndOfTurnHandler, @unchecked Sendable {
    var calls = 0
    func endOfTurn() { calls += 1 }
}

@Suite struct EarlyFlushTests {
    /// Work queued in one turn: the end-of-turn handlers run after every `earlyFlushInterval`
    /// units of it, not only once the whole turn is done, so output gathered so far leaves early.
    @Test func endOfTurnHandlersRunAfterEveryIntervalOfWorkWithinATurn() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let interval = EventLoop.earlyFlushInterval
        let record = LoopResult()
        await loop.submit {
            let counter = TurnCounter()
            // One closure registers the handler and queues the rest: they all run in this turn.
            loop.runAtEndOfTurn(counter)
            for _ in 0..<(3 * interval) {
                loop.executeOnLoop {
                    record.seen.append(counter.calls)
                    // Output made by this unit: the handler is registered again, as a session does.
                    loop.runAtEndOfTurn(counter)
                }
            }
        }
        // Queued after the closures above: runs once they all have.
        let seen = await loop.submit { record.seen }
        #expect(seen.count == 3 * interval)
        // The handler ran within the turn, after each `interval` units of work.
        #expect(seen.first == 0)
        #expect(seen.last ?? 0 >= 2)
        let runsAt = seen.indices.dropFirst().filter { seen[$0] != seen[$0 - 1] }
        #expect(zip(runsAt, runsAt.dropFirst()).allSatisfy { $1 - $0 == interval })
    }
}

/// The closures' record, written and read on the loop thread only.
private final class LoopResult: @unchecked Sendable {
    var seen: [Int] = []
}
