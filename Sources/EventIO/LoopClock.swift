import Glibc
import Synchronization

/// Where an event loop reads the time for its timers and timestamps: the monotonic system clock,
/// or, in tests, a manual clock that stands still until the test advances it, so that tests of
/// timers, timeouts and deadlines run without sleeping and without depending on the machine's speed.
package final class LoopClock: Sendable {
    /// The system's monotonic clock.
    package static let system = LoopClock(manual: false)

    /// True for a manual clock: loops do not sleep until its deadlines, they wait for `advance`.
    package let isManual: Bool
    private let manualNow = Atomic<UInt64>(0)
    private let loops = LockedValue<[WeakLoop]>([])

    private final class WeakLoop: @unchecked Sendable {
        weak var loop: EventLoop?
        init(_ loop: EventLoop) { self.loop = loop }
    }

    private init(manual: Bool) { isManual = manual }

    /// A clock that reads `start` until `advance(by:)` moves it.
    package static func manual(start: Duration = .seconds(1)) -> LoopClock {
        let clock = LoopClock(manual: true)
        clock.manualNow.store(start.nanosecondsClamped, ordering: .relaxed)
        return clock
    }

    /// Nanoseconds since an arbitrary fixed point.
    @inline(__always)
    package func now() -> UInt64 {
        isManual ? manualNow.load(ordering: .acquiring) : Syscall.monotonicNanoseconds()
    }

    /// Moves a manual clock forward by `duration`, then has every loop that uses it run the timers
    /// now due; returns once they ran. Timers scheduled by those timers for no later than the new
    /// time run too; the work those timers queue on a loop may still be pending on return.
    package func advance(by duration: Duration) async {
        precondition(isManual, "only a manual LoopClock can be advanced")
        manualNow.wrappingAdd(duration.nanosecondsClamped, ordering: .acquiringAndReleasing)
        let attached = loops.withLock { loops in
            loops.removeAll { $0.loop == nil }
            return loops.compactMap(\.loop)
        }
        for loop in attached { await loop.submit { loop.runDueTimers() } }
    }

    /// Moves a manual clock forward without waking its loops: a loop that is busy polling sees the
    /// new time on its next poll, an idle one when something else wakes it.
    package func move(by duration: Duration) {
        precondition(isManual, "only a manual LoopClock can be moved")
        manualNow.wrappingAdd(duration.nanosecondsClamped, ordering: .acquiringAndReleasing)
    }

    func attach(_ loop: EventLoop) {
        guard isManual else { return }
        loops.withLock { $0.append(WeakLoop(loop)) }
    }
}
