@testable import EventIO
import TestSupport
import Testing

@Suite struct LoopClockTests {
    @Test func timersOnAManualClockFireWhenItIsAdvancedPastTheirDeadline() async throws {
        let clock = LoopClock.manual()
        let group = try EventLoopGroup(loopCount: 1, clock: clock)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let fired = LockedValue<[Int]>([])
        await loop.submit {
            loop.schedule(after: .seconds(30)) { fired.withLock { $0.append(3) } }
            loop.schedule(after: .seconds(10)) { fired.withLock { $0.append(1) } }
            let cancelled = loop.schedule(after: .seconds(20)) { fired.withLock { $0.append(99) } }
            loop.schedule(after: .seconds(20)) { fired.withLock { $0.append(2) } }
            cancelled.cancel()
        }
        await clock.advance(by: .seconds(9))
        #expect(fired.value == [])
        await clock.advance(by: .seconds(1))
        #expect(fired.value == [1])
        await clock.advance(by: .seconds(100))
        #expect(fired.value == [1, 2, 3])
    }

    @Test func theLoopsTimeIsTheManualClocksTime() async throws {
        let clock = LoopClock.manual(start: .seconds(5))
        let group = try EventLoopGroup(loopCount: 1, clock: clock)
        defer { group.shutdown() }
        let loop = group.loops[0]
        #expect(loop.monotonicNanoseconds() == 5_000_000_000)
        await clock.advance(by: .milliseconds(1500))
        #expect(await loop.submit { loop.monotonicNanoseconds() } == 6_500_000_000)
    }

    @Test func aTimerDoesNotFireBeforeItsDeadlineOnTheManualClock() async throws {
        let clock = LoopClock.manual()
        let group = try EventLoopGroup(loopCount: 1, clock: clock)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let firedAt = LockedValue<UInt64?>(nil)
        let start = await loop.submit { () -> UInt64 in
            loop.schedule(after: .milliseconds(25)) { firedAt.withLock { $0 = loop.monotonicNanoseconds() } }
            return loop.monotonicNanoseconds()
        }
        for _ in 0..<24 { await clock.advance(by: .milliseconds(1)) }
        #expect(firedAt.value == nil)
        await clock.advance(by: .milliseconds(1))
        #expect(firedAt.value == start + 25_000_000)
    }

    @Test func aTimerSetByATimerThatIsAlsoDueRunsInTheSameAdvance() async throws {
        let clock = LoopClock.manual()
        let group = try EventLoopGroup(loopCount: 1, clock: clock)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let fired = LockedValue(0)
        await loop.submit {
            _ = loop.schedule(after: .seconds(1)) {
                fired.withLock { $0 += 1 }
                loop.schedule(after: .zero) { fired.withLock { $0 += 1 } }
            }
        }
        await clock.advance(by: .seconds(1))
        #expect(fired.value == 2)
    }
}
