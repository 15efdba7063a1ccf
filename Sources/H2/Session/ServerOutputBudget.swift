import EventIO
import Synchronization

/// The output budget all connections of one server share: bytes queued on their streams, charged
/// by each connection in steps of `step` bytes (so the shared counter moves about once per 64 KiB
/// of output, not per frame). A connection whose charge takes the server over `limit` stops its
/// writers and registers a wake-up; wake-ups run when the server is back under half its limit.
/// Any thread.
final class ServerOutputBudget: Sendable {
    /// Queued bytes of all connections above which charging connections stop their writers.
    let limit: Int
    /// The granularity of charges: a connection holds at most two steps more than it queues.
    static let step = 64 << 10

    private let charged = Atomic<Int>(0)
    /// The most ever charged at once (tests read it; updated on charges only, about once per step).
    private let peak = Atomic<Int>(0)
    /// The number of waiters, read without the lock by `credit` (see there).
    private let waiterCount = Atomic<Int>(0)
    private let waiters = LockedValue<[@Sendable () -> Void]>([])

    init(limit: Int) { self.limit = max(limit, 0) }

    /// Bytes charged by all connections now.
    var chargedBytes: Int { charged.load(ordering: .relaxed) }
    /// The most bytes charged at any one time so far.
    var peakChargedBytes: Int { peak.load(ordering: .relaxed) }

    /// Charges `bytes` (already queued, so always recorded). False when the server is now over its limit.
    func charge(_ bytes: Int) -> Bool {
        let now = charged.wrappingAdd(bytes, ordering: .sequentiallyConsistent).newValue
        var seen = peak.load(ordering: .relaxed)
        while now > seen {
            let (exchanged, current) = peak.weakCompareExchange(
                expected: seen, desired: now, successOrdering: .relaxed, failureOrdering: .relaxed)
            if exchanged { break }
            seen = current
        }
        return now <= limit
    }

    /// Gives back `bytes`; once the server is at or under half its limit, runs every registered wake-up.
    func credit(_ bytes: Int) {
        let now = charged.wrappingSubtract(bytes, ordering: .sequentiallyConsistent).newValue
        // A waiter counts itself before it reads `charged` (both sequentially consistent), so
        // either it sees this credit and does not wait, or this load sees it: no lost wake-up.
        guard now <= limit / 2, waiterCount.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let woken = waiters.withLock { list in
            let all = list
            list.removeAll()
            waiterCount.store(0, ordering: .sequentiallyConsistent)
            return all
        }
        for wake in woken { wake() }
    }

    /// Registers `wake` to run once the server is back under half its limit. False (nothing
    /// registered) when it already is.
    func waitForDrain(_ wake: @escaping @Sendable () -> Void) -> Bool {
        waiters.withLock { list in
            waiterCount.wrappingAdd(1, ordering: .sequentiallyConsistent)
            guard charged.load(ordering: .sequentiallyConsistent) > limit / 2 else {
                waiterCount.wrappingSubtract(1, ordering: .sequentiallyConsistent)
                return false
            }
            list.append(wake)
            return true
        }
    }
}
