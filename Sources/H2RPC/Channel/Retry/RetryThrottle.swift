import EventIO

/// gRFC A6 retry throttling, one per server name: a token bucket that stops retries and hedges
/// while most recent attempts fail.
///
/// The bucket starts full (`maxTokens`). A failure counted by the retry logic (a retryable or
/// non-fatal status, or pushback that says stop) takes 1 token; a call that succeeds gives back
/// `tokenRatio`; the count stays within 0…maxTokens. Retries and hedges are allowed only while the
/// count is above `maxTokens / 2`. Tokens are kept in thousandths, as `tokenRatio` keeps 3 decimals.
public final class RetryThrottle: Sendable {
    /// Bucket size, 1…1000.
    public let maxTokens: Int
    /// Tokens a successful call gives back, > 0, to 3 decimals (0.5466 is 0.546).
    public let tokenRatio: Double
    private let ratioMilli: Int
    private let tokensMilli: LockedValue<Int>

    /// A full bucket.
    /// - Throws: `ServiceConfigError` for `maxTokens` outside 1…1000 or `tokenRatio` ≤ 0 (after truncation to 3 decimals).
    public init(maxTokens: Int, tokenRatio: Double) throws(ServiceConfigError) {
        guard (1...1000).contains(maxTokens) else {
            throw ServiceConfigError(path: "maxTokens", reason: "must be an integer in 1…1000")
        }
        guard tokenRatio.isFinite, tokenRatio > 0 else {
            throw ServiceConfigError(path: "tokenRatio", reason: "must be a number > 0")
        }
        let milli = Int((tokenRatio * 1000).rounded(.towardZero))
        guard milli > 0 else { throw ServiceConfigError(path: "tokenRatio", reason: "must be ≥ 0.001") }
        self.maxTokens = maxTokens
        self.tokenRatio = Double(milli) / 1000
        ratioMilli = milli
        tokensMilli = LockedValue(maxTokens * 1000)
    }

    /// Tokens now.
    public var tokens: Double { Double(tokensMilli.withLock { $0 }) / 1000 }

    /// Whether a retry or hedge may start now (tokens above half the bucket).
    public var isRetryAllowed: Bool { tokensMilli.withLock { $0 > maxTokens * 500 } }

    /// Takes a token for a counted failure; returns whether a retry is still allowed afterwards.
    @discardableResult
    public func recordFailure() -> Bool {
        tokensMilli.withLock { tokens in
            tokens = max(0, tokens - 1000)
            return tokens > maxTokens * 500
        }
    }

    /// Gives back `tokenRatio` for a successful call.
    public func recordSuccess() {
        tokensMilli.withLock { tokens in tokens = min(maxTokens * 1000, tokens + ratioMilli) }
    }
}
