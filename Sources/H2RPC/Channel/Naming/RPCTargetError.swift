/// Why a target string is not a gRPC target, naming the part that is wrong.
public struct RPCTargetError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The part of the target that is wrong.
    public enum Part: Sendable, Hashable {
        /// The whole target (empty).
        case target
        /// The `//authority/` part.
        case authority
        /// The host name or address.
        case host
        /// The port.
        case port
        /// A Unix socket path or abstract name.
        case path
    }

    /// The target as given.
    public var target: String
    /// The part that is wrong.
    public var part: Part
    /// The offending text of that part.
    public var text: String
    /// What is wrong with it.
    public var reason: String

    /// Creates an error about `part` (`text`) of `target`.
    public init(target: String, part: Part, text: String, reason: String) {
        self.target = target
        self.part = part
        self.text = text
        self.reason = reason
    }

    /// `target "ipv4:1.2.3:80": host "1.2.3" is not an IPv4 address`.
    public var description: String {
        "target \"\(target)\": \(part) \"\(text)\" \(reason)"
    }

    /// This error as INVALID_ARGUMENT.
    public var rpcError: RPCError { RPCError(code: .invalidArgument, message: description) }
}
