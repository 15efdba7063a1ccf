/// A TLS failure: what went wrong, as one line that ends with OpenSSL's own reason.
///
/// `description` reads like `"TLS handshake failed: server certificate has expired (OpenSSL: certificate verify failed)"`.
public struct TLSError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Hashable {
        /// The peer's certificate has expired or is not valid yet.
        case certificateExpired
        /// The peer's certificate does not name the host (or IP address) that was asked for.
        case hostnameMismatch
        /// The peer's certificate does not chain to a trusted root.
        case untrustedCertificate
        /// The peer's certificate failed verification for another reason (its purpose, its signature, ...).
        case certificateInvalid
        /// A certificate was required and the client sent none (on the server), or the server's
        /// alert said so (on the client).
        case certificateRequired
        /// The peer refused this side's certificate (its alert: unknown CA, bad or expired certificate).
        case certificateRejectedByPeer
        /// ALPN did not select `h2`: the client offered no ALPN or a list without `h2`, or the
        /// server selected nothing.
        case noApplicationProtocol
        /// The peer sent bytes that are not TLS: a plaintext client on a TLS port, or a
        /// plaintext server answering a TLS client.
        case peerNotTLS
        /// The connection ended without the peer's close_notify.
        case unexpectedEndOfStream
        /// A certificate, key or CA bundle could not be loaded, or the key does not match the certificate.
        case configuration
        /// The handshake did not finish in time.
        case timedOut
        /// Any other handshake or record failure.
        case protocolFailure
    }

    /// What went wrong.
    public let kind: Kind
    /// One line naming the cause, with OpenSSL's reason when there is one.
    public let message: String

    /// Creates an error of `kind` with its one-line `message`.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
