/// A pending timer on an event loop. Loop thread only.
public final class LoopTimer {
    private var body: (() -> Void)?

    init(_ body: @escaping () -> Void) { self.body = body }

    /// Stops the timer from firing. Harmless after it fired or was cancelled.
    public func cancel() { body = nil }

    /// True until the timer fired or was cancelled.
    public var isActive: Bool { body != nil }

    func fire() {
        guard let body else { return }
        self.body = nil
        body()
    }
}

/// A binary min-heap of timers ordered by deadline, then by insertion order.
/// Cancelled timers stay until their deadline and are skipped then.
struct TimerHeap {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var timer: LoopTimer
        func before(_ other: Entry) -> Bool {
            deadline != other.deadline ? deadline < other.deadline : sequence < other.sequence
        }
    }

    private var entries: [Entry] = []
    private var nextSequence: UInt64 = 0

    var isEmpty: Bool { entries.isEmpty }

    mutating func push(deadline: UInt64, timer: LoopTimer) {
        entries.append(Entry(deadline: deadline, sequence: nextSequence, timer: timer))
        nextSequence &+= 1
        var child = entries.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            if !entries[child].before(entries[parent]) { break }
            entries.swapAt(child, parent)
            child = parent
        }
    }

    /// Removes and returns the earliest timer whose deadline is ≤ `now`.
    mutating func popExpired(now: UInt64) -> LoopTimer? {
        while let first = entries.first, first.deadline <= now {
            let timer = removeFirst()
            if timer.isActive { return timer }
        }
        return nil
    }

    /// epoll_wait timeout: -1 without timers, else milliseconds until the first, rounded up.
    mutating func timeoutMilliseconds(now: UInt64) -> Int32 {
        // Drop cancelled timers at the top so that they do not cause wake-ups.
        while let first = entries.first, !first.timer.isActive { _ = removeFirst() }
        guard let first = entries.first else { return -1 }
        if first.deadline <= now { return 0 }
        let ms = (first.deadline - now + 999_999) / 1_000_000
        return Int32(min(ms, UInt64(Int32.max)))
    }

    /// The deadline of the first timer (cancelled ones included), if any.
    var firstDeadline: UInt64? { entries.first?.deadline }

    mutating func removeAll() { entries.removeAll() }

    private mutating func removeFirst() -> LoopTimer {
        let timer = entries[0].timer
        let last = entries.removeLast()
        if !entries.isEmpty {
            entries[0] = last
            var parent = 0
            while true {
                let left = 2 * parent + 1
                if left >= entries.count { break }
                var smallest = left
                if left + 1 < entries.count && entries[left + 1].before(entries[left]) { smallest = left + 1 }
                if !entries[smallest].before(entries[parent]) { break }
                entries.swapAt(parent, smallest)
                parent = smallest
            }
        }
        return timer
    }
}
