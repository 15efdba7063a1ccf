public import RPCBenchServer
/// Drives one scenario over open connections: closed loop (N calls outstanding per connection) or open
/// loop (`rate` calls per second; latency counted from each call's intended send time, so that a slow
/// server's queueing shows instead of silently lowering the offered load).
public struct LoadDriver: Sendable {
    public var plan: LoadPlan
    /// Shown in the progress line and in errors: `grpc unary-1x64-16B`.
    public var label: String
    /// What the target is, for the no-reply message: `a grpc server at 127.0.0.1:5000`.
    public var peerDescription: String
    /// The server's pid when it is our child, for its CPU time.
    public var serverPID: Int32?
    public var progress: ProgressLine?
    /// Runs once, on the worker whose call it is, when the `count`-th call has succeeded (warm-up
    /// included): a point in the run, counted in calls, at which to act (stop a server under load).
    /// It must not block.
    public var afterCalls: (count: Int, action: @Sendable () -> Void)?
    /// Ends the run from outside, as the end of its duration (or of its calls) would: what was
    /// measured until then is returned.
    public var stop: LoadStop?

    public init(
        plan: LoadPlan, label: String, peerDescription: String, serverPID: Int32? = nil,
        progress: ProgressLine? = nil
    ) {
        self.plan = plan
        self.label = label
        self.peerDescription = peerDescription
        self.serverPID = serverPID
        self.progress = progress
    }

    /// Runs warm-up and measurement over `connections` (one per scenario connection) and returns what was
    /// measured. Calls that fail with a status are counted per status; the run throws a mismatched
    /// echo, a broken protocol, a timeout, or the first failed call when no call succeeded. Never waits forever.
    public func run(connections: [any BenchConnection]) async throws(BenchError) -> LoadMeasurement {
        try plan.validate()
        let control = RunControl(calls: plan.calls, afterCalls: afterCalls)
        // Without a warm-up every call is measured, the first ones included.
        if plan.warmup == 0 { control.set(.measuring) }
        let stats = connections.map { _ in ConnectionStats() }
        // Taken before any call starts: without a warm-up they are the measured phase's starting point.
        let client0AtStart = CPUTime.ofSelf(), server0AtStart = serverPID.flatMap(CPUTime.ofProcess)
        let start = MonotonicClock.nanoseconds()
        let plan = self.plan

        for (index, connection) in connections.enumerated() {
            for worker in 0..<plan.scenario.concurrency {
                control.workerStarted()
                let seed = UInt64(index * plan.scenario.concurrency + worker)
                let connectionStats = stats[index]
                Task(executorPreference: connection.taskExecutor) {
                    defer { control.workerEnded() }
                    do throws(BenchError) {
                        try await LoadWorker.run(
                            plan: plan, connection: connection, connections: connections.count,
                            stats: connectionStats, control: control, seed: seed, start: start)
                    } catch {
                        // Errors after the stop come from closing connections under calls in flight.
                        if !control.isStopped { control.fail(error) }
                    }
                }
            }
        }

        var watchdog = Watchdog(timeout: plan.replyTimeout, now: start)
        var meter = RateMeter(now: start, count: 0)
        // With a budget of calls, measuring ends when the last of them is over (the watchdog still runs).
        let budget = plan.calls
        func tick(until deadline: UInt64, phase: String, from phaseStart: UInt64, length: Double) async -> Bool {
            while true {
                let now = MonotonicClock.nanoseconds()
                if control.isStopped || now >= deadline { return !control.isStopped }
                if control.isMeasuring && control.budgetSpentTime != nil { return true }
                if stop?.isRequested == true { return true }
                if !watchdog.observe(count: control.completedCount, now: now) {
                    control.fail(noReply(control))
                    return false
                }
                if let progress {
                    let rate = meter.observe(count: control.completedCount, now: now)
                    let elapsed = Double(now - phaseStart) / 1e9
                    let failed = control.failedCount > 0 ? "  \(control.failedCount) failed" : ""
                    let shown =
                        budget != nil && control.isMeasuring
                        ? "\(Format.seconds(elapsed)) s, \(budget ?? 0) calls"
                        : "\(Format.seconds(elapsed))/\(Format.seconds(length)) s"
                    progress.show("\(label)  \(phase) \(shown)  \(Format.number(rate)) calls/s\(failed)")
                }
                try? await Task.sleep(for: .milliseconds(min(100, Int((deadline - now) / 1_000_000) + 1)))
            }
        }

        let warmupEnd = start + UInt64(plan.warmup * 1e9)
        var measuredStart = warmupEnd, measuredEnd = warmupEnd
        var client0 = client0AtStart, server0 = server0AtStart
        var client1 = client0, server1 = server0
        if plan.warmup == 0 {
            measuredStart = start
        } else if await tick(until: warmupEnd, phase: "warm-up", from: start, length: plan.warmup) {
            measuredStart = MonotonicClock.nanoseconds()
            client0 = CPUTime.ofSelf()
            server0 = serverPID.flatMap(CPUTime.ofProcess)
            control.set(.measuring)
        }
        if control.isMeasuring {
            let measuredDeadline = budget == nil ? measuredStart + UInt64(plan.duration * 1e9) : UInt64.max
            if await tick(until: measuredDeadline, phase: "measuring", from: measuredStart, length: plan.duration) {
                control.set(.stopped)
                measuredEnd = control.budgetSpentTime ?? MonotonicClock.nanoseconds()
                client1 = CPUTime.ofSelf()
                server1 = serverPID.flatMap(CPUTime.ofProcess)
            }
        }
        control.set(.stopped)
        progress?.clear()
        try await drain(control: control, connections: connections)
        if let error = control.error { throw error }
        // Nothing but failed calls: the first failure says why (a wrong target, a server that refuses).
        if control.completedCount == 0, let failure = control.firstCallFailure { throw failure }

        var latencies = LatencyHistogram(), sendLag = LatencyHistogram()
        var calls = 0, bytes = 0
        var errors: [String: Int] = [:]
        for s in stats {
            let snapshot = s.snapshot
            latencies.add(snapshot.latencies)
            sendLag.add(snapshot.sendLag)
            calls += snapshot.calls
            bytes += snapshot.bytes
            errors.merge(snapshot.errors, uniquingKeysWith: +)
        }
        var serverCPU: CPUTime? = nil
        if let server0, let server1 { serverCPU = server1 - server0 }
        return LoadMeasurement(
            scenario: plan.scenario, seconds: Double(measuredEnd - measuredStart) / 1e9, calls: calls, bytes: bytes,
            latencies: latencies, sendLag: sendLag, clientCPU: client1 - client0, serverCPU: serverCPU, rate: plan.rate,
            errors: errors)
    }

    /// Why the watchdog stopped the run: silence, or calls that all failed for as long.
    private func noReply(_ control: RunControl) -> BenchError {
        let window = Format.seconds(plan.replyTimeout)
        guard control.failedCount > 0, case .call(let status, let message)? = control.firstCallFailure else {
            return .timeout(
                "no reply from \(peerDescription) within \(window) s (does it speak this protocol and scenario?)")
        }
        return .call(
            status: status,
            "no call to \(peerDescription) succeeded within \(window) s; \(control.failedCount) failed, the first with: \(message)"
        )
    }

    /// Lets the calls in flight finish; then closes the connections under the stragglers; then gives up.
    private func drain(control: RunControl, connections: [any BenchConnection]) async throws(BenchError) {
        // After a failure nothing is worth waiting for; after a normal end, calls in flight get to finish.
        if control.error == nil, await waitForWorkers(control, seconds: 3) { return }
        for connection in connections { await connection.close() }
        if await waitForWorkers(control, seconds: 2) { return }
        if let error = control.error { throw error }
        throw .timeout(
            "\(label): calls still in flight 5 s after the end of the run (\(peerDescription) stopped answering)")
    }

    private func waitForWorkers(_ control: RunControl, seconds: Double) async -> Bool {
        let deadline = MonotonicClock.nanoseconds() + UInt64(seconds * 1e9)
        while control.workersRunning > 0 {
            if MonotonicClock.nanoseconds() >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }
}

/// Fails a run when no call completes for `timeout` seconds.
struct Watchdog {
    var timeout: Double
    var lastCount = 0
    var lastChange: UInt64

    init(timeout: Double, now: UInt64) {
        self.timeout = timeout
        self.lastChange = now
    }

    /// False once `count` has not moved for longer than the timeout.
    mutating func observe(count: Int, now: UInt64) -> Bool {
        if count != lastCount {
            lastCount = count
            lastChange = now
            return true
        }
        return Double(now - lastChange) / 1e9 <= timeout
    }
}

/// Calls per second over the last half second or so, for the progress line.
struct RateMeter {
    var lastTime: UInt64
    var lastCount: Int
    var rate: Double = 0

    init(now: UInt64, count: Int) {
        lastTime = now
        lastCount = count
    }

    mutating func observe(count: Int, now: UInt64) -> Double {
        let elapsed = Double(now - lastTime) / 1e9
        if elapsed >= 0.5 {
            rate = Double(count - lastCount) / elapsed
            lastTime = now
            lastCount = count
        }
        return rate
    }
}
