/// When a circuit breaker opens, how long it stays open, and how it tests the way back.
public struct CircuitBreakerConfiguration: Sendable, Hashable {
    /// Length of the sliding window in which failures are counted.
    public var window: Duration
    /// Number of time buckets the window is split into; it slides a bucket at a time.
    public var bucketCount: Int
    /// Failures within the window that open the circuit.
    public var failureThreshold: Int
    /// Share of failed calls (0…1) within the window also required to open it; 0: any share.
    public var failureRateThreshold: Double
    /// Calls within the window needed before the circuit may open.
    public var minimumCalls: Int
    /// Status codes counted as failures.
    public var failureCodes: Set<StatusCode>
    /// A call slower than this counts as a failure whatever its status; nil: latency is not counted.
    public var slowCallThreshold: Duration?
    /// How long the circuit stays open before it lets probe calls through (half-open).
    public var openDuration: Duration
    /// Probe calls allowed at once while half-open; that many successes in a row close the circuit.
    public var halfOpenProbes: Int

    /// A configuration; the defaults open after 5 failures (UNAVAILABLE, DEADLINE_EXCEEDED,
    /// INTERNAL, UNKNOWN, RESOURCE_EXHAUSTED) within 10 s in 10 buckets, stay open 30 s, then allow 1 probe.
    public init(
        window: Duration = .seconds(10), bucketCount: Int = 10, failureThreshold: Int = 5,
        failureRateThreshold: Double = 0, minimumCalls: Int = 0,
        failureCodes: Set<StatusCode> = [.unavailable, .deadlineExceeded, .internal, .unknown, .resourceExhausted],
        slowCallThreshold: Duration? = nil, openDuration: Duration = .seconds(30), halfOpenProbes: Int = 1
    ) {
        self.window = window
        self.bucketCount = bucketCount
        self.failureThreshold = failureThreshold
        self.failureRateThreshold = failureRateThreshold
        self.minimumCalls = minimumCalls
        self.failureCodes = failureCodes
        self.slowCallThreshold = slowCallThreshold
        self.openDuration = openDuration
        self.halfOpenProbes = halfOpenProbes
    }
}

/// A circuit breaker's state.
public enum CircuitState: Sendable, Hashable, CustomStringConvertible {
    /// Calls pass; outcomes are counted.
    case closed
    /// Calls fail at once with UNAVAILABLE "circuit open", without touching the network.
    case open
    /// A limited number of probe calls pass; their outcomes decide between closed and open.
    case halfOpen

    /// `closed`, `open`, `half-open`.
    public var description: String {
        switch self {
        case .closed: "closed"
        case .open: "open"
        case .halfOpen: "half-open"
        }
    }
}
