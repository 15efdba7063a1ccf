/// A gRPC service config: per-method settings, the load-balancing policy and retry throttling.
///
/// Build it from Swift values or parse the JSON form (`ServiceConfig(json:)`), e.g.
/// ```json
/// {"loadBalancingConfig": [{"round_robin": {}}],
///  "methodConfig": [{"name": [{"service": "pkg.Svc"}], "timeout": "1.5s", "waitForReady": true,
///    "retryPolicy": {"maxAttempts": 4, "initialBackoff": "0.1s", "maxBackoff": "1s",
///                    "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}],
///  "retryThrottling": {"maxTokens": 10, "tokenRatio": 0.1}}
/// ```
/// `methodConfig(forPath:)` finds the most specific entry for a call: the method's own, else its
/// service's, else the global one (`{}` as name).
public struct ServiceConfig: Sendable, Hashable {
    /// Token bucket settings for retry throttling (see `RetryThrottle`).
    public struct RetryThrottling: Sendable, Hashable {
        /// Bucket size, 1…1000.
        public let maxTokens: Int
        /// Tokens a successful call gives back, > 0, kept to 3 decimals.
        public let tokenRatio: Double

        /// Validated settings.
        /// - Throws: `ServiceConfigError` naming `maxTokens` or `tokenRatio`.
        public init(maxTokens: Int, tokenRatio: Double) throws(ServiceConfigError) {
            let bucket = try RetryThrottle(maxTokens: maxTokens, tokenRatio: tokenRatio)
            self.maxTokens = bucket.maxTokens
            self.tokenRatio = bucket.tokenRatio
        }

        /// A full bucket with these settings (one per channel).
        public func makeThrottle() -> RetryThrottle {
            // Validated in init.
            try! RetryThrottle(maxTokens: maxTokens, tokenRatio: tokenRatio)
        }
    }

    /// Per-method entries.
    public let methodConfigs: [MethodConfig]
    /// The load-balancing policy; nil: the channel's default (`pick_first`).
    public let loadBalancingPolicy: LoadBalancingPolicy?
    /// Retry throttling; nil: none.
    public let retryThrottling: RetryThrottling?
    private let index: [String: Int]

    /// A config from Swift values.
    /// - Throws: `ServiceConfigError` when a method name appears in two entries
    ///   (`methodConfig[1].name[0]: duplicate name pkg.Svc/Do`).
    public init(
        methodConfigs: [MethodConfig] = [], loadBalancingPolicy: LoadBalancingPolicy? = nil,
        retryThrottling: RetryThrottling? = nil
    ) throws(ServiceConfigError) {
        var index: [String: Int] = [:]
        for (k, entry) in methodConfigs.enumerated() {
            for (n, name) in entry.names.enumerated() {
                guard index.updateValue(k, forKey: name.key) == nil else {
                    throw ServiceConfigError(path: "methodConfig[\(k)].name[\(n)]", reason: "duplicate name \(name)")
                }
            }
        }
        self.methodConfigs = methodConfigs
        self.loadBalancingPolicy = loadBalancingPolicy
        self.retryThrottling = retryThrottling
        self.index = index
    }

    /// The entry for a call to `path` (`/pkg.Svc/Method`): the method's own, else the service's,
    /// else the global default; nil when none applies.
    public func methodConfig(forPath path: String) -> MethodConfig? {
        if let k = index[path] { return methodConfigs[k] }
        let trimmed = path.hasPrefix("/") ? path.dropFirst() : path[...]
        if let slash = trimmed.firstIndex(of: "/"), let k = index["/\(trimmed[..<slash])/"] {
            return methodConfigs[k]
        }
        return index[""].map { methodConfigs[$0] }
    }

    public static func == (lhs: ServiceConfig, rhs: ServiceConfig) -> Bool {
        lhs.methodConfigs == rhs.methodConfigs && lhs.loadBalancingPolicy == rhs.loadBalancingPolicy
            && lhs.retryThrottling == rhs.retryThrottling
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(methodConfigs)
        hasher.combine(loadBalancingPolicy)
        hasher.combine(retryThrottling)
    }
}
