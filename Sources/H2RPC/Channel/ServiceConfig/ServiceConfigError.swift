/// Why a service config (or one of its policies) is invalid, naming the key path.
///
/// The description reads `methodConfig[0].retryPolicy.maxAttempts: must be an integer ≥ 2`.
public struct ServiceConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Where in the config: `methodConfig[0].retryPolicy.maxAttempts`; empty for the whole text.
    public var path: String
    /// What is wrong there.
    public var reason: String

    /// Creates an error at `path`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }

    /// The same error with `prefix` in front of its path (`retryPolicy` → `methodConfig[0].retryPolicy`).
    func nested(under prefix: String) -> ServiceConfigError {
        ServiceConfigError(path: path.isEmpty ? prefix : "\(prefix).\(path)", reason: reason)
    }
}
