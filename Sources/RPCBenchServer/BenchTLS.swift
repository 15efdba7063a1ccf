public import H2TLS

/// The certificate and key a bench server serves TLS with (`--tls-cert`, `--tls-key`: PEM files).
public struct BenchTLSFiles: Sendable, Equatable {
    public var certificateChain: String
    public var privateKey: String

    public init(certificateChain: String, privateKey: String) {
        self.certificateChain = certificateChain
        self.privateKey = privateKey
    }

    /// The server settings: TLS 1.2 and 1.3, ALPN h2, no client certificate asked for.
    public var serverConfiguration: TLSServerConfiguration {
        TLSServerConfiguration(certificateChain: .file(certificateChain), privateKey: .file(privateKey))
    }

    /// The context every accepted connection takes its handshake from.
    func makeServerContext() throws(BenchError) -> TLSServerContext {
        do {
            return try TLSServerContext(serverConfiguration)
        } catch {
            throw .listen("TLS: \(error)")
        }
    }
}
