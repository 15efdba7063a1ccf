/// Settings for the calls of some methods (service config `methodConfig` entry).
///
/// Each setting is optional; an unset one leaves the call's own option or the channel default.
/// `timeout` and the message limits combine with the call's own as the smaller of the two;
/// `waitForReady` set on the call wins over the config.
public struct MethodConfig: Sendable, Hashable {
    /// Which methods an entry applies to: one method, a whole service, or every method.
    public struct Name: Sendable, Hashable, CustomStringConvertible {
        /// Full service name with package (`pkg.Svc`); empty for the global default.
        public let service: String
        /// Method name; nil for every method of `service`.
        public let method: String?

        /// One method: `/service/method`.
        public init(service: String, method: String) {
            self.service = service
            self.method = method.isEmpty ? nil : method
        }

        /// Every method of `service` without a more specific entry.
        public init(service: String) {
            self.service = service
            method = nil
        }

        /// Every method without a more specific entry.
        public static let global = Name(service: "")

        /// The lookup key: `/S/M`, `/S/` or the empty string.
        var key: String {
            if service.isEmpty { return "" }
            return "/\(service)/\(method ?? "")"
        }

        /// `pkg.Svc/Method`, `pkg.Svc/*`, or `*`.
        public var description: String { service.isEmpty ? "*" : "\(service)/\(method ?? "*")" }
    }

    /// How failed calls are repeated.
    public enum ExecutionPolicy: Sendable, Hashable {
        /// Retry failed attempts one after another.
        case retry(RetryPolicy)
        /// Run several attempts in parallel; the first success wins.
        case hedge(HedgingPolicy)
    }

    /// The methods this entry applies to.
    public var names: [Name]
    /// Whether calls wait for a READY connection instead of failing on TRANSIENT_FAILURE.
    public var waitForReady: Bool?
    /// Longest time for a call (all its attempts).
    public var timeout: Duration?
    /// Largest request message, in bytes.
    public var maxRequestMessageBytes: Int?
    /// Largest response message, in bytes.
    public var maxResponseMessageBytes: Int?
    /// Retries or hedging; nil: neither.
    public var executionPolicy: ExecutionPolicy?

    /// An entry for `names` with the given settings.
    public init(
        names: [Name], waitForReady: Bool? = nil, timeout: Duration? = nil, maxRequestMessageBytes: Int? = nil,
        maxResponseMessageBytes: Int? = nil, executionPolicy: ExecutionPolicy? = nil
    ) {
        self.names = names
        self.waitForReady = waitForReady
        self.timeout = timeout
        self.maxRequestMessageBytes = maxRequestMessageBytes
        self.maxResponseMessageBytes = maxResponseMessageBytes
        self.executionPolicy = executionPolicy
    }

    /// The retry policy, when the entry has one.
    public var retryPolicy: RetryPolicy? { if case .retry(let p) = executionPolicy { p } else { nil } }
    /// The hedging policy, when the entry has one.
    public var hedgingPolicy: HedgingPolicy? { if case .hedge(let p) = executionPolicy { p } else { nil } }
}
