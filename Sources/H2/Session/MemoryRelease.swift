import Glibc
import Synchronization

/// `malloc_trim(0)` after connections close, for `H2Configuration.releaseMemoryAfterClose`: glibc
/// keeps the memory of freed buffers (per-thread arenas, the top of the heap) for reuse, so a
/// server's resident size stays at its peak after a burst of connections unless asked to give it back.
enum MemoryRelease {
    private static let lastTrim = Atomic<UInt64>(0)
    private static let interval: UInt64 = 1_000_000_000

    /// glibc's `malloc_trim`, looked up at run time (Glibc's module does not export `malloc.h`).
    private static let trim: (@convention(c) (Int) -> Int32)? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
    }()

    /// Trims unless it was done less than a second before `now` (nanoseconds, any monotonic clock).
    static func afterConnectionClose(now: UInt64) {
        let last = lastTrim.load(ordering: .relaxed)
        guard last == 0 || now &- last >= interval,
            lastTrim.compareExchange(expected: last, desired: now, ordering: .relaxed).exchanged
        else { return }
        _ = trim?(0)
    }
}
