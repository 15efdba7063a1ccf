import COpenSSL

/// One configured `SSL_CTX`. Never changed after it is built, so connections on any thread may
/// share it; each `SSL` made from it holds its own reference, so the last connection frees it.
final class SSLContextHandle: @unchecked Sendable {
    let pointer: OpaquePointer

    init(_ pointer: OpaquePointer) { self.pointer = pointer }

    deinit { SSL_CTX_free(pointer) }
}

/// Builds `SSL_CTX`s from configurations.
enum ContextBuilder {
    /// TLS 1.2 suites: ECDHE with AEAD only (none on RFC 9113's block list; the mandatory
    /// ECDHE-RSA-AES128-GCM-SHA256 included).
    private static let tls12Ciphers =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305"
    private static let tls13Suites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
    private static let groups = "X25519:P-256:P-384"

    static func server(_ configuration: TLSServerConfiguration) throws(TLSError) -> SSLContextHandle {
        let context = try common(
            method: TLS_server_method(), minimum: configuration.minimumVersion, maximum: configuration.maximumVersion,
            options: CSSL_OP_CIPHER_SERVER_PREFERENCE)
        let ctx = context.pointer
        try useIdentity(ctx, chain: configuration.certificateChain, key: configuration.privateKey)
        ALPN.installServerCallbacks(ctx)
        // Needed once client certificates are requested, or session resumption breaks.
        let id: [UInt8] = Array("h2rpc".utf8)
        _ = SSL_CTX_set_session_id_context(ctx, id, UInt32(id.count))
        switch configuration.clientCertificateVerification {
        case .none:
            SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nil)
        case .optional(let roots):
            try loadTrustRoots(ctx, roots, advertise: true)
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        case .required(let roots):
            try loadTrustRoots(ctx, roots, advertise: true)
            SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nil)
        }
        OpenSSLErrors.clear()
        return context
    }

    /// `alpn` is what the client offers: `h2` for every real use; tests vary it to check servers' refusal.
    static func client(
        _ configuration: TLSClientConfiguration, alpn: [String] = ["h2"]
    ) throws(TLSError) -> SSLContextHandle {
        let context = try common(
            method: TLS_client_method(), minimum: configuration.minimumVersion, maximum: configuration.maximumVersion,
            options: 0)
        let ctx = context.pointer
        switch configuration.trustRoots {
        case .system:
            guard SSL_CTX_set_default_verify_paths(ctx) == 1 else {
                throw TLSError(.configuration, "cannot load the system trust roots" + OpenSSLErrors.drainedSuffix())
            }
        case .pem(let roots):
            try loadTrustRoots(ctx, roots, advertise: false)
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nil)
        guard ALPN.offer(alpn, ctx) else {
            throw TLSError(.configuration, "cannot set ALPN" + OpenSSLErrors.drainedSuffix())
        }
        switch (configuration.certificateChain, configuration.privateKey) {
        case (nil, nil):
            break
        case (let chain?, let key?):
            try useIdentity(ctx, chain: chain, key: key)
        case (let chain?, nil):
            throw TLSError(.configuration, "client certificate \(chain) given without its private key")
        case (nil, let key?):
            throw TLSError(.configuration, "client private key \(key) given without its certificate")
        }
        OpenSSLErrors.clear()
        return context
    }

    private static func common(
        method: OpaquePointer?, minimum: TLSVersion, maximum: TLSVersion, options: UInt64
    ) throws(TLSError) -> SSLContextHandle {
        OpenSSLErrors.clear()
        guard minimum <= maximum else {
            throw TLSError(.configuration, "minimum TLS version \(minimum) is above the maximum \(maximum)")
        }
        guard let ctx = SSL_CTX_new(method) else {
            throw TLSError(.configuration, "cannot create an SSL context" + OpenSSLErrors.drainedSuffix())
        }
        let context = SSLContextHandle(ctx)
        _ = cssl_ctx_set_min_proto_version(ctx, minimum.openSSL)
        _ = cssl_ctx_set_max_proto_version(ctx, maximum.openSSL)
        _ = SSL_CTX_set_options(ctx, CSSL_OP_NO_RENEGOTIATION | CSSL_OP_NO_COMPRESSION | options)
        guard SSL_CTX_set_cipher_list(ctx, tls12Ciphers) == 1, SSL_CTX_set_ciphersuites(ctx, tls13Suites) == 1,
            cssl_ctx_set1_groups_list(ctx, groups) == 1
        else {
            throw TLSError(.configuration, "cannot set the cipher suites" + OpenSSLErrors.drainedSuffix())
        }
        return context
    }

    /// Installs the certificate chain (leaf first) and its key, and checks that they match.
    private static func useIdentity(_ ctx: OpaquePointer, chain: TLSPEMSource, key: TLSPEMSource) throws(TLSError) {
        let certificates = try PEMReader.certificates(chain, what: "certificate chain")
        defer { certificates.forEach { X509_free($0) } }
        guard SSL_CTX_use_certificate(ctx, certificates[0]) == 1 else {
            throw TLSError(.configuration, "cannot use certificate \(chain)" + OpenSSLErrors.drainedSuffix())
        }
        for intermediate in certificates.dropFirst() where cssl_ctx_add1_chain_cert(ctx, intermediate) != 1 {
            throw TLSError(.configuration, "cannot use the chain in \(chain)" + OpenSSLErrors.drainedSuffix())
        }
        let privateKey = try PEMReader.privateKey(key)
        defer { EVP_PKEY_free(privateKey) }
        guard SSL_CTX_use_PrivateKey(ctx, privateKey) == 1, SSL_CTX_check_private_key(ctx) == 1 else {
            throw TLSError(
                .configuration, "private key \(key) does not match certificate \(chain)" + OpenSSLErrors.drainedSuffix()
            )
        }
    }

    /// Trusts the certificates of a CA bundle; a server also names them in its certificate request.
    private static func loadTrustRoots(_ ctx: OpaquePointer, _ roots: TLSPEMSource, advertise: Bool) throws(TLSError) {
        let certificates = try PEMReader.certificates(roots, what: "CA bundle")
        defer { certificates.forEach { X509_free($0) } }
        let store = SSL_CTX_get_cert_store(ctx)
        for certificate in certificates {
            guard X509_STORE_add_cert(store, certificate) == 1 else {
                throw TLSError(.configuration, "cannot trust the CA bundle \(roots)" + OpenSSLErrors.drainedSuffix())
            }
            if advertise { _ = SSL_CTX_add_client_CA(ctx, certificate) }
        }
    }
}

extension TLSVersion {
    var openSSL: Int32 {
        switch self {
        case .v1_2: TLS1_2_VERSION
        case .v1_3: TLS1_3_VERSION
        }
    }
}
