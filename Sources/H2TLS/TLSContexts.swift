import EventIO

/// A server's TLS settings, built once and shared by all its connections. `reload` swaps in new
/// certificates and keys without a restart: connections made afterwards use them, open ones
/// keep theirs.
public final class TLSServerContext: Sendable {
    private struct Current: Sendable {
        var configuration: TLSServerConfiguration
        var handle: SSLContextHandle
    }
    private let current: LockedValue<Current>

    /// Loads the certificate chain, key and client CA bundle of `configuration`.
    /// - Throws: `TLSError` with kind `.configuration` naming the file or the mismatch.
    public init(_ configuration: TLSServerConfiguration) throws(TLSError) {
        let handle = try ContextBuilder.server(configuration)
        current = LockedValue(Current(configuration: configuration, handle: handle))
    }

    /// The configuration in use.
    public var configuration: TLSServerConfiguration { current.withLock { $0.configuration } }

    /// Builds a context from `configuration` (or re-reads the files of the current one when nil)
    /// and uses it for new connections. On failure the current one stays in use.
    /// - Throws: `TLSError` with kind `.configuration`.
    public func reload(_ configuration: TLSServerConfiguration? = nil) throws(TLSError) {
        let configuration = configuration ?? self.configuration
        let handle = try ContextBuilder.server(configuration)
        current.withLock { $0 = Current(configuration: configuration, handle: handle) }
    }

    /// A server engine for one new connection.
    /// - Throws: `TLSError` when OpenSSL cannot allocate the connection.
    public func makeEngine() throws(TLSError) -> TLSEngine {
        let handle = current.withLock { $0.handle }
        return try TLSEngine(context: handle, serverName: nil)
    }
}

/// A client's TLS settings, built once and shared by all its connections.
public final class TLSClientContext: Sendable {
    /// The configuration this context was built from.
    public let configuration: TLSClientConfiguration
    private let handle: SSLContextHandle

    /// Loads the trust roots and client certificate of `configuration`.
    /// - Throws: `TLSError` with kind `.configuration` naming the file or the mismatch.
    public init(_ configuration: TLSClientConfiguration) throws(TLSError) {
        self.configuration = configuration
        handle = try ContextBuilder.client(configuration)
    }

    /// A context offering `alpn` instead of `h2` (tests of servers' ALPN refusal).
    init(_ configuration: TLSClientConfiguration, offering alpn: [String]) throws(TLSError) {
        self.configuration = configuration
        handle = try ContextBuilder.client(configuration, alpn: alpn)
    }

    /// A client engine for one new connection to `host` (a DNS name or an IP address, without
    /// port). The name sent as SNI and verified in the certificate is
    /// `configuration.serverNameOverride` when set, else `host`; IP addresses are verified
    /// against the certificate's IP SANs and never sent as SNI.
    /// - Throws: `TLSError` when OpenSSL cannot allocate the connection.
    public func makeEngine(serverName host: String) throws(TLSError) -> TLSEngine {
        try TLSEngine(context: handle, serverName: configuration.serverNameOverride ?? host)
    }
}
