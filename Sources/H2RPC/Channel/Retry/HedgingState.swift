/// One hedged call's bookkeeping under a `HedgingPolicy` (gRFC A6): when to start the next
/// attempt and what an attempt's failure means for the others.
struct HedgingState: Sendable {
    /// What to do after an attempt ended.
    enum Decision: Hashable, Sendable {
        /// Deliver this attempt's outcome and cancel every other attempt.
        case commit
        /// Start the next attempt now (a non-fatal failure), then keep the delay spacing.
        case hedgeNow
        /// Start the next attempt after this delay (server pushback).
        case hedge(after: Duration)
        /// Other attempts are still running: wait for them (this failure is dropped).
        case wait
    }

    private let policy: HedgingPolicy
    private let throttle: RetryThrottle?
    /// Attempts started so far (the first is started with the call).
    private(set) var started = 1
    /// Attempts running now.
    private(set) var inFlight = 1
    private var stopped = false

    init(policy: HedgingPolicy, throttle: RetryThrottle?) {
        self.policy = policy
        self.throttle = throttle
    }

    /// The time between attempt starts.
    var hedgingDelay: Duration { policy.hedgingDelay }

    /// The hedging delay passed (or a hedge was asked for): whether to start another attempt now.
    /// When it says yes the attempt is counted (and `started - 1` is its `grpc-previous-rpc-attempts`).
    mutating func startNext() -> Bool {
        guard !stopped, started < policy.maxAttempts else { return false }
        if let throttle, !throttle.isRetryAllowed { return false }
        started += 1
        inFlight += 1
        return true
    }

    /// Decides what follows the end of one attempt.
    mutating func decide(after outcome: AttemptOutcome) -> Decision {
        inFlight -= 1
        if outcome.status == .ok {
            throttle?.recordSuccess()
            return .commit
        }
        if outcome.committed || !policy.nonFatalStatusCodes.contains(outcome.status) {
            return .commit
        }
        throttle?.recordFailure()
        switch outcome.pushback {
        case .stop?:
            stopped = true
        case .after(let delay)?:
            if canStartMore { return .hedge(after: delay) }
        case nil:
            if canStartMore { return .hedgeNow }
        }
        return inFlight > 0 ? .wait : .commit
    }

    /// Whether another attempt may still start (attempts left, not stopped by pushback, throttling allows).
    var canStartMore: Bool {
        !stopped && started < policy.maxAttempts && (throttle?.isRetryAllowed ?? true)
    }
}
