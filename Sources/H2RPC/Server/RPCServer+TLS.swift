public import H2TLS

extension RPCServer {
    /// The TLS context every new connection takes its handshake from, built once per `start` from
    /// ``Configuration/tls``; nil for plaintext.
    func makeTLSContext() throws(RPCError) -> TLSServerContext? {
        guard let configuration = core.configuration.tls else { return nil }
        do {
            let context = try TLSServerContext(configuration)
            tlsContext.withLock { $0 = context }
            return context
        } catch {
            throw RPCError(code: .invalidArgument, message: "TLS configuration: \(error)")
        }
    }

    /// Loads the certificate chain and private key again (from the same files, or from
    /// `configuration`) without a restart: connections accepted afterwards use them, open ones keep
    /// theirs.
    /// - Throws: ``RPCError`` FAILED_PRECONDITION when the server does not serve TLS, INVALID_ARGUMENT
    ///   when the new certificate or key cannot be used (the old ones stay in use).
    public func reloadTLS(_ configuration: TLSServerConfiguration? = nil) throws(RPCError) {
        guard let context = tlsContext.withLock({ $0 }) else {
            throw RPCError(code: .failedPrecondition, message: "the server does not serve TLS")
        }
        do {
            try context.reload(configuration)
        } catch {
            throw RPCError(code: .invalidArgument, message: "TLS reload: \(error)")
        }
    }
}
