/// How a call is hedged: several attempts in flight, the first success wins (gRFC A6 `hedgingPolicy`).
///
/// Attempt k (from 1) starts `(k−1) × hedgingDelay` after the first while none has succeeded; an
/// attempt failing with a non-fatal code starts the next at once; any other failure ends the
/// call. Use it only for idempotent methods: the server may run a call more than once.
public struct HedgingPolicy: Sendable, Hashable {
    /// Attempts including the first, 2…5 (larger values were lowered to 5).
    public let maxAttempts: Int
    /// Time between the starts of attempts; zero starts them all at once.
    public let hedgingDelay: Duration
    /// Status codes after which the other attempts go on (and the next starts at once).
    public let nonFatalStatusCodes: Set<StatusCode>

    /// A validated policy.
    /// - Throws: `ServiceConfigError` naming the field that is out of range.
    public init(
        maxAttempts: Int, hedgingDelay: Duration = .zero, nonFatalStatusCodes: Set<StatusCode> = []
    ) throws(ServiceConfigError) {
        guard maxAttempts >= 2 else { throw ServiceConfigError(path: "maxAttempts", reason: "must be an integer ≥ 2") }
        guard hedgingDelay >= .zero else { throw ServiceConfigError(path: "hedgingDelay", reason: "must be ≥ 0") }
        guard !nonFatalStatusCodes.contains(.ok) else {
            throw ServiceConfigError(path: "nonFatalStatusCodes", reason: "must not contain OK")
        }
        self.maxAttempts = min(maxAttempts, RetryPolicy.attemptsCap)
        self.hedgingDelay = hedgingDelay
        self.nonFatalStatusCodes = nonFatalStatusCodes
    }
}
