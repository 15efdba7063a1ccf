/// Why a target's addresses could not be found.
public struct NameResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The name does not exist (EAI_NONAME, EAI_NODATA).
        case hostNotFound
        /// The resolver failed for now (EAI_AGAIN); trying again later may work.
        case temporaryFailure
        /// The name exists but has no IPv4 or IPv6 address.
        case noAddresses
        /// The target asks for something this resolver cannot do (a DNS server authority).
        case unsupported
        /// Another getaddrinfo error (its EAI_ code).
        case system(Int32)
        /// The waiting task was cancelled.
        case cancelled
    }

    /// What went wrong.
    public var kind: Kind
    /// The name being resolved.
    public var host: String
    /// Details (getaddrinfo's message).
    public var message: String

    /// Creates an error about `host`.
    public init(_ kind: Kind, host: String, message: String) {
        self.kind = kind
        self.host = host
        self.message = message
    }

    /// `resolving "name": message`.
    public var description: String { "resolving \"\(host)\": \(message)" }

    /// This error as the status a call fails with: UNAVAILABLE (CANCELLED when cancelled).
    public var rpcError: RPCError {
        RPCError(code: kind == .cancelled ? .cancelled : .unavailable, message: description)
    }
}
