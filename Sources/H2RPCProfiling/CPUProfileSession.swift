import CProfiler
import Glibc
import Synchronization

/// A CPU profile being taken: from `init` to ``stop()``, SIGPROF interrupts the process each time it
/// has used one period of CPU time (`1 / frequency` seconds, summed over its threads) and the
/// interrupted thread's stack is recorded. One session at a time per process.
///
/// ```swift
/// let session = try CPUProfileSession(frequency: 100)
/// // … the work to profile …
/// let profile = session.stop()
/// let file = try profile.pprofData()   // for `go tool pprof`
/// ```
///
/// ``CPUProfiler/profile(for:frequency:)`` wraps this for a given duration.
public final class CPUProfileSession: Sendable {
    /// Samples per CPU-second.
    public let frequency: Int
    private let startWall: Int64
    private let startInstant: ContinuousClock.Instant
    /// The profile once stopped (stop() is idempotent).
    private let result = Mutex<CPUProfile?>(nil)

    /// Starts sampling at `frequency` samples per CPU-second (1…1000), keeping at most `maxSamples`
    /// samples (more are counted in ``CPUProfile/droppedSamples``).
    /// - Throws: ``ProfilingError/busy`` when another session runs, ``ProfilingError/invalidArgument(_:)``
    ///   for an out-of-range argument, ``ProfilingError/systemCallFailed(operation:errno:)``.
    public init(frequency: Int = 100, maxSamples: Int = 100_000) throws(ProfilingError) {
        guard (1...1000).contains(frequency) else {
            throw .invalidArgument("frequency \(frequency) Hz is outside 1...1000")
        }
        guard (1...10_000_000).contains(maxSamples) else {
            throw .invalidArgument("maxSamples \(maxSamples) is outside 1...10000000")
        }
        let wall = Self.wallClockNanos()
        // Started before any stored property is set: when starting fails, there is no instance, so
        // no deinit stops the session that does run.
        let rc = h2rpc_profiler_start(Int32(frequency), maxSamples)
        switch rc {
        case 0: ProfilerIdleness.shared.began()
        case EBUSY: throw .busy
        default: throw .systemCallFailed(operation: "starting the SIGPROF timer", errno: rc)
        }
        self.frequency = frequency
        startWall = wall
        startInstant = .now
    }

    deinit { _ = stop() }

    /// Stops sampling and returns the samples taken (the same profile on every call).
    public func stop() -> CPUProfile {
        result.withLock { result in
            if let result { return result }
            h2rpc_profiler_stop()
            let duration = ContinuousClock.now - startInstant
            var stacks: [[UInt]] = []
            var threads: [Int32] = []
            let count = h2rpc_profiler_sample_count()
            stacks.reserveCapacity(count)
            threads.reserveCapacity(count)
            withUnsafeTemporaryAllocation(of: UInt.self, capacity: Int(H2RPC_PROFILER_MAX_DEPTH)) { frames in
                var thread: Int32 = 0
                for index in 0..<count {
                    let depth = h2rpc_profiler_sample(index, frames.baseAddress!, &thread)
                    if depth > 0 {
                        stacks.append(Array(frames[0..<Int(depth)]))
                        threads.append(thread)
                    }
                }
            }
            let dropped = h2rpc_profiler_dropped_count()
            h2rpc_profiler_release()
            ProfilerIdleness.shared.ended()
            let profile = CPUProfile(
                stacks: stacks, threadIDs: threads, frequency: frequency, startTimeNanos: startWall, duration: duration,
                droppedSamples: dropped)
            result = profile
            return profile
        }
    }

    private static func wallClockNanos() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}

/// CPU profiles of this process.
public enum CPUProfiler {
    /// Samples the process for `duration` at `frequency` samples per CPU-second and returns the
    /// samples; cancelling the task stops sampling at once.
    /// - Throws: ``ProfilingError/busy`` when another profile is being taken, ``ProfilingError/cancelled``,
    ///   ``ProfilingError/invalidArgument(_:)`` for a duration outside 1 ms…1 h or a bad frequency.
    public static func profile(for duration: Duration, frequency: Int = 100) async throws(ProfilingError) -> CPUProfile
    {
        guard duration >= .milliseconds(1), duration <= .seconds(3600) else {
            throw .invalidArgument("duration \(duration) is outside 1 ms...1 h")
        }
        if Task.isCancelled { throw .cancelled }
        // Room for every core busy for the whole duration, twice over (at most 100,000 samples).
        let seconds = Int(duration.components.seconds) + 1
        let cores = max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        // The frequency itself is checked by the session.
        let room = min(100_000, max(1024, min(frequency, 1000) * seconds * cores * 2))
        let session = try CPUProfileSession(frequency: frequency, maxSamples: room)
        do {
            try await Task.sleep(for: duration)
        } catch {
            _ = session.stop()
            throw .cancelled
        }
        return session.stop()
    }
}

/// Whether a session runs, for the tasks that wait until none does (``CPUProfiler/waitUntilIdle()``).
final class ProfilerIdleness: Sendable {
    static let shared = ProfilerIdleness()
    private struct State {
        var running = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    func began() { state.withLock { $0.running = true } }

    func ended() {
        let waiters = state.withLock { state in
            state.running = false
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let idle = state.withLock { state in
                if !state.running { return true }
                state.waiters.append(continuation)
                return false
            }
            if idle { continuation.resume() }
        }
    }
}

extension CPUProfiler {
    /// The calling thread's id (Linux `gettid`): the `thread` label of its samples in ``CPUProfile/pprof()``.
    public static var currentThreadID: Int32 { h2rpc_profiler_current_thread() }

    /// Returns once no profile is being taken (at once when none is): after a cancelled profile has
    /// stopped its timer and freed its buffer, for instance. Not cancellable: it waits for the
    /// running profile, which ends by its duration or its own cancellation.
    public static func waitUntilIdle() async {
        await ProfilerIdleness.shared.wait()
    }
}
