/// PEM text: the path of a file holding it, or the bytes themselves.
public enum TLSPEMSource: Sendable, Hashable, CustomStringConvertible {
    /// A PEM file, read when the context is built (and again on reload).
    case file(String)
    /// PEM bytes.
    case bytes([UInt8])

    /// PEM text given as a string.
    public static func string(_ text: String) -> TLSPEMSource { .bytes(Array(text.utf8)) }

    public var description: String {
        switch self {
        case .file(let path): path
        case .bytes(let bytes): "PEM bytes (\(bytes.count) B)"
        }
    }
}

/// TLS protocol versions this stack speaks (HTTP/2 needs 1.2 at least).
public enum TLSVersion: Sendable, Hashable, Comparable {
    case v1_2, v1_3
}

/// Whether a server asks clients for a certificate (mutual TLS).
public enum TLSClientCertificateVerification: Sendable, Hashable {
    /// No client certificate is requested.
    case none
    /// A certificate is requested; a client without one is accepted, one with a certificate that
    /// does not chain to `trustRoots` is refused.
    case optional(trustRoots: TLSPEMSource)
    /// A certificate chaining to `trustRoots` is required; a client without one is refused.
    case required(trustRoots: TLSPEMSource)
}

/// A TLS server's settings. ALPN `h2` is always required of clients.
public struct TLSServerConfiguration: Sendable, Hashable {
    /// The certificate chain, leaf first, then intermediates.
    public var certificateChain: TLSPEMSource
    /// The private key of the leaf certificate.
    public var privateKey: TLSPEMSource
    /// Whether clients must present a certificate, and the CA bundle that verifies it.
    public var clientCertificateVerification: TLSClientCertificateVerification
    /// The lowest version accepted (default 1.2).
    public var minimumVersion: TLSVersion = .v1_2
    /// The highest version offered (default: the newest, 1.3).
    public var maximumVersion: TLSVersion = .v1_3

    /// Settings for a server presenting `certificateChain` with `privateKey`.
    public init(
        certificateChain: TLSPEMSource, privateKey: TLSPEMSource,
        clientCertificateVerification: TLSClientCertificateVerification = .none
    ) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.clientCertificateVerification = clientCertificateVerification
    }
}

/// A TLS client's settings. ALPN `h2` is always offered, and required of the server.
public struct TLSClientConfiguration: Sendable, Hashable {
    /// The roots that server certificates must chain to.
    public enum TrustRoots: Sendable, Hashable {
        /// The system bundle (`/etc/ssl/certs`; `SSL_CERT_FILE` and `SSL_CERT_DIR` override it).
        case system
        /// The certificates in this PEM bundle, and no others.
        case pem(TLSPEMSource)
    }

    /// The roots that server certificates must chain to (default: the system bundle).
    public var trustRoots: TrustRoots
    /// A client certificate chain for mutual TLS (leaf first); needs `privateKey`.
    public var certificateChain: TLSPEMSource?
    /// The private key of `certificateChain`'s leaf.
    public var privateKey: TLSPEMSource?
    /// The name sent as SNI and verified in the server's certificate instead of the host connected
    /// to (other stacks call it `server_host_override` or `ssl_target_name_override`).
    public var serverNameOverride: String?
    /// The lowest version accepted (default 1.2).
    public var minimumVersion: TLSVersion = .v1_2
    /// The highest version offered (default: the newest, 1.3).
    public var maximumVersion: TLSVersion = .v1_3

    /// Settings trusting `trustRoots`, with an optional client certificate and name override.
    public init(
        trustRoots: TrustRoots = .system, certificateChain: TLSPEMSource? = nil, privateKey: TLSPEMSource? = nil,
        serverNameOverride: String? = nil
    ) {
        self.trustRoots = trustRoots
        self.certificateChain = certificateChain
        self.privateKey = privateKey
        self.serverNameOverride = serverNameOverride
    }
}
