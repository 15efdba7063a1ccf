import EventIO
import RPCBenchServer
import Synchronization

/// Shared state of one load run: its phase, the first error that stops it, the first failed call,
/// the budget of measured calls (with `--calls`), and a count of completed calls that the progress
/// line and the no-reply watchdog read.
final class RunControl: Sendable {
    enum Phase: Int { case warmup = 0, measuring = 1, stopped = 2 }

    /// What a worker may do next: a call of the warm-up, a call that is measured, or nothing (the
    /// run is over or the budget of measured calls is spent).
    enum Ticket { case warmup, measured, none }

    private let phaseValue = Atomic<Int>(Phase.warmup.rawValue)
    private let completions = Atomic<Int>(0)
    private let failures = Atomic<Int>(0)
    private let activeWorkers = Atomic<Int>(0)
    private let firstError = LockedValue<BenchError?>(nil)
    private let firstFailedCall = LockedValue<BenchError?>(nil)
    /// Measured calls that may still start, and measured calls over (succeeded or failed); only with a budget.
    private let callLimit: Int?
    private let callsLeft: Atomic<Int>
    private let measuredOver = Atomic<Int>(0)
    /// When the last measured call of the budget ended (monotonic ns); 0 until then.
    private let budgetSpentAt = Atomic<UInt64>(0)
    private let milestone: (count: Int, action: @Sendable () -> Void)?

    /// `calls`: measure exactly this many calls; nil: the driver stops the run at the end of its duration.
    /// `afterCalls`: an action to run once when that many calls have succeeded.
    init(calls: Int? = nil, afterCalls: (count: Int, action: @Sendable () -> Void)? = nil) {
        callLimit = calls
        callsLeft = Atomic(calls ?? 0)
        milestone = afterCalls
    }

    var phase: Phase { Phase(rawValue: phaseValue.load(ordering: .acquiring)) ?? .stopped }
    var isStopped: Bool { phaseValue.load(ordering: .relaxed) == Phase.stopped.rawValue }
    var isMeasuring: Bool { phaseValue.load(ordering: .relaxed) == Phase.measuring.rawValue }

    func set(_ phase: Phase) { phaseValue.store(phase.rawValue, ordering: .releasing) }

    /// Takes the next call's ticket.
    @inline(__always) func claim() -> Ticket {
        switch phaseValue.load(ordering: .relaxed) {
        case Phase.warmup.rawValue: return .warmup
        case Phase.measuring.rawValue:
            guard callLimit != nil else { return .measured }
            return callsLeft.subtract(1, ordering: .relaxed).newValue >= 0 ? .measured : .none
        default: return .none
        }
    }

    /// Whether a call of `ticket` that ends now counts in the figures: with a budget, the calls it
    /// gave out; without, those that end while measuring.
    @inline(__always) func counts(_ ticket: Ticket) -> Bool {
        callLimit == nil ? isMeasuring : ticket == .measured
    }

    /// A call of `ticket` is over (succeeded or failed): the last one of the budget ends the run.
    @inline(__always) func callOver(_ ticket: Ticket) {
        guard let callLimit, ticket == .measured else { return }
        if measuredOver.add(1, ordering: .acquiringAndReleasing).newValue == callLimit {
            budgetSpentAt.store(MonotonicClock.nanoseconds(), ordering: .releasing)
        }
    }

    /// When every measured call of the budget was over, or nil while some are not.
    var budgetSpentTime: UInt64? {
        let time = budgetSpentAt.load(ordering: .acquiring)
        return time == 0 ? nil : time
    }

    @inline(__always) func completed(_ n: Int = 1) {
        let total = completions.add(n, ordering: .relaxed).newValue
        if let milestone, total >= milestone.count, total - n < milestone.count { milestone.action() }
    }
    var completedCount: Int { completions.load(ordering: .relaxed) }

    /// A call failed with a status (counted, the run goes on); the first is kept for the report of a
    /// run in which no call succeeds.
    func failed(_ error: BenchError) {
        if failures.add(1, ordering: .relaxed).newValue == 1 { firstFailedCall.withLock { $0 = error } }
    }
    var failedCount: Int { failures.load(ordering: .relaxed) }
    var firstCallFailure: BenchError? { firstFailedCall.withLock { $0 } }

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
        var errors: [String: Int] = [:]
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

    /// A measured call that failed with `status`.
    func recordError(status: String) {
        state.withLock { $0.errors[status, default: 0] += 1 }
    }

    /// Open loop: how late a call left after its intended send time (the client's own timer lateness).
    func recordSendLag(nanoseconds: UInt64) {
        state.withLock { $0.sendLag.record(nanoseconds: nanoseconds) }
    }

    var snapshot:
        (latencies: LatencyHistogram, sendLag: LatencyHistogram, calls: Int, bytes: Int, errors: [String: Int])
    {
        state.withLock { ($0.latencies, $0.sendLag, $0.calls, $0.bytes, $0.errors) }
    }
}
