/// One call's retry bookkeeping under a `RetryPolicy` (or none), deciding after each attempt
/// whether to retry and when (gRFC A6).
///
/// The order of the checks follows grpc-go's `csAttempt.shouldRetry`: transparent retries first
/// (they use neither attempts nor tokens), then success (credits the throttle), commitment,
/// pushback, the status code, the throttle, the attempt count, and finally the deadline.
struct RetryState: Sendable {
    /// What to do after an attempt.
    enum Decision: Hashable, Sendable {
        /// Start a new attempt at once, not counted as an attempt (transparent retry).
        case retryTransparently
        /// Start a new attempt after this delay.
        case retry(after: Duration)
        /// Deliver this attempt's outcome to the application; the call ends (or goes on) with it.
        case commit
    }

    private let policy: RetryPolicy?
    private let throttle: RetryThrottle?
    private let jitter: @Sendable () -> Double
    /// Attempts started and counted against `maxAttempts` (transparent retries are not).
    private(set) var attempts = 1
    /// The value of `grpc-previous-rpc-attempts` for the next attempt: counted attempts before it
    /// (a transparent retry repeats the attempt it replaces, as in grpc-go).
    private(set) var previousAttempts = 0
    private var retriesSinceBackoffReset = 0
    private var usedTransparentRetry = false

    /// `jitter()` returns the backoff factor, 0.8…1.2 by default; `transparentRetryUsed` when the
    /// call's one transparent retry of an unprocessed attempt was already made.
    init(
        policy: RetryPolicy?, throttle: RetryThrottle?, transparentRetryUsed: Bool = false,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }
    ) {
        self.policy = policy
        self.throttle = throttle
        self.usedTransparentRetry = transparentRetryUsed
        self.jitter = jitter
    }

    /// Decides what follows `outcome`; `remaining` is the time left before the call's deadline.
    /// When it says retry, the next attempt is counted (and `previousAttempts` advanced).
    mutating func decide(after outcome: AttemptOutcome, remaining: Duration? = nil) -> Decision {
        if outcome.status == .ok {
            throttle?.recordSuccess()
            return .commit
        }
        if !outcome.committed {
            switch outcome.progress {
            case .neverSent:
                return .retryTransparently
            case .unprocessed where !usedTransparentRetry:
                usedTransparentRetry = true
                return .retryTransparently
            case .unprocessed, .processed:
                break
            }
        }
        guard let policy, !outcome.committed else { return .commit }
        var delay: Duration?
        switch outcome.pushback {
        case .stop?:
            throttle?.recordFailure()
            return .commit
        case .after(let pushed)?:
            delay = pushed
        case nil:
            break
        }
        guard policy.retryableStatusCodes.contains(outcome.status) else { return .commit }
        if let throttle, !throttle.recordFailure() { return .commit }
        guard attempts < policy.maxAttempts else { return .commit }
        let wait: Duration
        if let delay {
            // Pushback sets this delay and restarts the backoff sequence.
            wait = delay
            retriesSinceBackoffReset = 0
        } else {
            retriesSinceBackoffReset += 1
            wait = policy.backoff(beforeRetry: retriesSinceBackoffReset, jitter: jitter())
        }
        if let remaining, wait >= remaining { return .commit }
        attempts += 1
        previousAttempts += 1
        return .retry(after: wait)
    }
}
