/// The circuit breaker's decisions as a value: admit or reject a call at time `now`, record an
/// outcome at time `now`. Times are offsets from any fixed origin; nothing here reads a clock.
///
/// Outcomes are counted in a ring of `bucketCount` buckets of `window / bucketCount` each; a
/// bucket older than the window is cleared before reuse. Each state change starts a new
/// generation, and outcomes of calls admitted in an earlier generation are ignored.
struct CircuitBreakerStateMachine: Sendable {
    /// A call let through: its generation, so that a late outcome after a state change is ignored.
    struct Ticket: Sendable, Hashable {
        let generation: Int
        let isProbe: Bool
    }

    private struct Bucket {
        var epoch = Int.min
        var calls = 0
        var failures = 0
    }

    let configuration: CircuitBreakerConfiguration
    private(set) var state = CircuitState.closed
    private var generation = 0
    private var buckets: [Bucket]
    private let bucketLength: Duration
    private var openedAt = Duration.zero
    private var probesInFlight = 0
    private var probeSuccesses = 0

    init(configuration: CircuitBreakerConfiguration) {
        self.configuration = configuration
        let count = max(1, configuration.bucketCount)
        buckets = Array(repeating: Bucket(), count: count)
        bucketLength = max(configuration.window / count, .nanoseconds(1))
    }

    /// Failures and calls counted in the window ending at `now`.
    func counts(at now: Duration) -> (calls: Int, failures: Int) {
        let epoch = self.epoch(now)
        var calls = 0
        var failures = 0
        for bucket in buckets where bucket.epoch > epoch - buckets.count && bucket.epoch <= epoch {
            calls += bucket.calls
            failures += bucket.failures
        }
        return (calls, failures)
    }

    /// Lets a call through (a ticket) or rejects it (nil). An open circuit whose `openDuration`
    /// has passed becomes half-open here.
    mutating func admit(at now: Duration) -> Ticket? {
        switch state {
        case .closed:
            return Ticket(generation: generation, isProbe: false)
        case .open:
            guard now - openedAt >= configuration.openDuration else { return nil }
            enter(.halfOpen, at: now)
            return admit(at: now)
        case .halfOpen:
            guard probesInFlight < max(1, configuration.halfOpenProbes) else { return nil }
            probesInFlight += 1
            return Ticket(generation: generation, isProbe: true)
        }
    }

    /// The state as of `now` (an open circuit past its `openDuration` reads as half-open).
    mutating func refresh(at now: Duration) {
        if state == .open, now - openedAt >= configuration.openDuration { enter(.halfOpen, at: now) }
    }

    /// Whether a call that ended with `status` after `latency` counts as a failure.
    func isFailure(status: StatusCode, latency: Duration) -> Bool {
        if configuration.failureCodes.contains(status) { return true }
        if let slow = configuration.slowCallThreshold, latency > slow { return true }
        return false
    }

    /// Records the outcome of a call admitted with `ticket`.
    mutating func record(_ ticket: Ticket, failed: Bool, at now: Duration) {
        guard ticket.generation == generation else { return }
        switch state {
        case .closed:
            let epoch = self.epoch(now)
            let slot = ((epoch % buckets.count) + buckets.count) % buckets.count
            if buckets[slot].epoch != epoch { buckets[slot] = Bucket(epoch: epoch) }
            buckets[slot].calls += 1
            if failed { buckets[slot].failures += 1 }
            let (calls, failures) = counts(at: now)
            let rate = calls == 0 ? 0 : Double(failures) / Double(calls)
            if failures >= max(1, configuration.failureThreshold), calls >= configuration.minimumCalls,
                rate >= configuration.failureRateThreshold
            {
                enter(.open, at: now)
            }
        case .halfOpen:
            guard ticket.isProbe else { return }
            probesInFlight -= 1
            if failed {
                enter(.open, at: now)
            } else {
                probeSuccesses += 1
                if probeSuccesses >= max(1, configuration.halfOpenProbes) { enter(.closed, at: now) }
            }
        case .open:
            break
        }
    }

    /// A call admitted with `ticket` ended without an outcome (cancelled by its caller): frees its probe slot.
    mutating func abandon(_ ticket: Ticket) {
        guard ticket.generation == generation, ticket.isProbe, state == .halfOpen else { return }
        probesInFlight -= 1
    }

    private mutating func enter(_ newState: CircuitState, at now: Duration) {
        state = newState
        generation += 1
        probesInFlight = 0
        probeSuccesses = 0
        if newState == .open { openedAt = now }
        if newState == .closed { buckets = Array(repeating: Bucket(), count: buckets.count) }
    }

    private func epoch(_ now: Duration) -> Int {
        Int(now / bucketLength)
    }
}
