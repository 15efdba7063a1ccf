import EventIO
import RPCBenchServer
import Synchronization

/// Shared state of one load run: its phase, the first error, and a count of completed calls that the
/// progress line and the no-reply watchdog read.
final class RunControl: Sendable {
    enum Phase: Int { case warmup = 0, measuring = 1, stopped = 2 }

    private let phaseValue = Atomic<Int>(Phase.warmup.rawValue)
    private let completions = Atomic<Int>(0)
    private let activeWorkers = Atomic<Int>(0)
    private let firstError = LockedValue<BenchError?>(nil)

    var phase: Phase { Phase(rawValue: phaseValue.load(ordering: .acquiring)) ?? .stopped }
    var isStopped: Bool { phaseValue.load(ordering: .relaxed) == Phase.stopped.rawValue }
    var isMeasuring: Bool { phaseValue.load(ordering: .relaxed) == Phase.measuring.rawValue }

    func set(_ phase: Phase) { phaseValue.store(phase.rawValue, ordering: .releasing) }

    @inline(__always) func completed(_ n: Int = 1) { completions.add(n, ordering: .relaxed) }
    var completedCount: Int { completions.load(ordering: .relaxed) }

    func workerStarted() { activeWorkers.add(1, ordering: .relaxed) }
    func workerEnded() { activeWorkers.subtract(1, ordering: .releasing) }
    var workersRunning: Int { activeWorkers.load(ordering: .acquiring) }

    /// Keeps the first error and stops the run.
    func fail(_ error: BenchError) {
        firstError.withLock { if $0 == nil { $0 = error } }
        set(.stopped)
    }
    var error: BenchError? { firstError.withLock { $0 } }
}

/// What one connection's workers measured. Workers of one connection run on its loop, so the lock is
/// uncontended; it is there because Swift cannot see that.
final class ConnectionStats: Sendable {
    private struct State {
        var latencies = LatencyHistogram()
        var sendLag = LatencyHistogram()
        var calls = 0
        var bytes = 0
    }
    private let state = LockedValue(State())
    /// Next open-loop ticket (the index of the next intended send time).
    let tickets = Atomic<Int>(0)

    @inline(__always)
    func record(latencyNanoseconds: UInt64, bytes: Int) {
        state.withLock {
            $0.latencies.record(nanoseconds: latencyNanoseconds)
            $0.calls += 1
            $0.bytes += bytes
        }
    }

    /// Open loop: how late a call left after its intended send time (the client's own timer lateness).
    func recordSendLag(nanoseconds: UInt64) {
        state.withLock { $0.sendLag.record(nanoseconds: nanoseconds) }
    }

    var snapshot: (latencies: LatencyHistogram, sendLag: LatencyHistogram, calls: Int, bytes: Int) {
        state.withLock { ($0.latencies, $0.sendLag, $0.calls, $0.bytes) }
    }
}
