import Glibc

/// How failed attempts of a call are retried (gRFC A6 `retryPolicy`).
///
/// Retry n (from 1) waits `min(initialBackoff × backoffMultiplier^(n−1), maxBackoff)` times a
/// random factor in 0.8…1.2. Only attempts that end with one of `retryableStatusCodes` before the
/// call is committed (response headers received, or the request outgrew the retry buffer) are retried.
public struct RetryPolicy: Sendable, Hashable {
    /// The most attempts any policy may ask for; larger values are lowered to it (gRPC's client cap).
    public static let attemptsCap = 5

    /// Attempts including the first, 2…5 (larger values were lowered to 5).
    public let maxAttempts: Int
    /// Wait before the first retry (before jitter); > 0.
    public let initialBackoff: Duration
    /// Longest wait between attempts (before jitter); > 0.
    public let maxBackoff: Duration
    /// Growth of the wait per retry; > 0.
    public let backoffMultiplier: Double
    /// Status codes that allow a retry; not empty.
    public let retryableStatusCodes: Set<StatusCode>

    /// A validated policy.
    /// - Throws: `ServiceConfigError` naming the field (`maxAttempts`, `initialBackoff`, …) that is out of range.
    public init(
        maxAttempts: Int, initialBackoff: Duration, maxBackoff: Duration, backoffMultiplier: Double,
        retryableStatusCodes: Set<StatusCode>
    ) throws(ServiceConfigError) {
        guard maxAttempts >= 2 else { throw ServiceConfigError(path: "maxAttempts", reason: "must be an integer ≥ 2") }
        guard initialBackoff > .zero else { throw ServiceConfigError(path: "initialBackoff", reason: "must be > 0") }
        guard maxBackoff > .zero else { throw ServiceConfigError(path: "maxBackoff", reason: "must be > 0") }
        guard backoffMultiplier > 0, backoffMultiplier.isFinite else {
            throw ServiceConfigError(path: "backoffMultiplier", reason: "must be a number > 0")
        }
        guard !retryableStatusCodes.isEmpty else {
            throw ServiceConfigError(path: "retryableStatusCodes", reason: "must list at least one status code")
        }
        guard !retryableStatusCodes.contains(.ok) else {
            throw ServiceConfigError(path: "retryableStatusCodes", reason: "must not contain OK")
        }
        self.maxAttempts = min(maxAttempts, Self.attemptsCap)
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.backoffMultiplier = backoffMultiplier
        self.retryableStatusCodes = retryableStatusCodes
    }

    /// The wait before retry `n` (1 for the first retry) with jitter factor `jitter` (0.8…1.2).
    public func backoff(beforeRetry n: Int, jitter: Double) -> Duration {
        let exponent = Double(max(0, n - 1))
        let base = min(initialBackoff.inSeconds * pow(backoffMultiplier, exponent), maxBackoff.inSeconds)
        return Duration(inSeconds: base * jitter)
    }
}
