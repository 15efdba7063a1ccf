import Glibc

/// An I/O failure: which operation failed and why.
///
/// System call failures carry the `errno` value; `description` reads like
/// `"connect: Connection refused (errno 111)"`.
public struct IOError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// A system call failed with this `errno`.
        case system(errno: Int32)
        /// A host/port pair that is not a usable socket address.
        case invalidAddress(String)
        /// The peer closed the connection.
        case endOfFile
        /// An operation did not finish before its deadline.
        case timedOut
        /// The event loop has been shut down.
        case loopShutDown
        /// The connection was closed locally.
        case closed
    }

    /// What went wrong.
    public let kind: Kind
    /// The operation that failed, e.g. `"connect"`.
    public let operation: String

    /// Creates an error of `kind` for `operation`.
    public init(_ kind: Kind, operation: String) {
        self.kind = kind
        self.operation = operation
    }

    /// The `errno` value, when a system call failed.
    public var errno: Int32? {
        if case .system(let code) = kind { return code }
        return nil
    }

    public var description: String {
        switch kind {
        case .system(let code):
            return "\(operation): \(String(cString: strerror(code))) (errno \(code))"
        case .invalidAddress(let text):
            return "\(operation): invalid address \(text)"
        case .endOfFile:
            return "\(operation): connection closed by peer"
        case .timedOut:
            return "\(operation): timed out"
        case .loopShutDown:
            return "\(operation): event loop shut down"
        case .closed:
            return "\(operation): connection closed"
        }
    }
}
