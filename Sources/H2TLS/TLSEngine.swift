import COpenSSL

/// One TLS connection's state machine over an in-memory ciphertext pipe: it does no I/O.
///
/// Feed it what the socket received (`receive`), drive the handshake (`handshake`), read the
/// plaintext (`read`), stage plaintext to send (`write`), and send what `flushOutput` (or
/// `takeOutput`) hands over. Staged writes are sealed together, so many small HTTP/2 frames
/// leave as few records (of up to 16 KiB) in one buffer. Made by `TLSServerContext.makeEngine()`
/// or `TLSClientContext.makeEngine(serverName:)`; use it from one thread at a time.
public final class TLSEngine {
    /// Where the connection stands.
    public enum State: Equatable {
        case handshaking
        case established
        /// This side sent close_notify (`close()`).
        case closing
        /// The peer sent close_notify.
        case closedByPeer
        case failed
    }

    /// What `read` stopped at.
    public enum ReadOutcome: Equatable {
        /// All received ciphertext is consumed; more is needed.
        case needsMoreData
        /// The peer sent close_notify: no more plaintext will come.
        case closed
    }

    /// True for the client side.
    public let isClient: Bool
    /// Where the connection stands.
    public private(set) var state = State.handshaking
    /// The peer's certificate identity, once established (nil when the peer sent none).
    public private(set) var peerCertificate: TLSPeerCertificate?

    private let ssl: OpaquePointer
    private let pipe: CiphertextPipe
    /// "server NAME" or "client", for messages.
    private let peerDescription: String
    private var staged: [UInt8] = []
    private var receivedAny = false
    private var notTLS: [UInt8]?
    private var receivedEndOfStream = false
    private var failure: TLSError?
    /// A failure sealing inside `write`, thrown by the next flush.
    private var writeFailure: TLSError?
    /// Set by the ALPN callbacks when the server refuses the client's offer.
    var alpnRefusal: ALPN.Refusal?

    /// Plaintext handed out per `read` delivery at most.
    private static let readChunk = 64 * 1024

    init(context: SSLContextHandle, serverName: String?) throws(TLSError) {
        OpenSSLErrors.clear()
        guard let ssl = SSL_new(context.pointer) else {
            throw TLSError(.protocolFailure, "cannot create a TLS connection" + OpenSSLErrors.drainedSuffix())
        }
        let pipe: CiphertextPipe
        do throws(TLSError) {
            pipe = try CiphertextPipe()
        } catch {
            SSL_free(ssl)
            throw error
        }
        SSL_set_bio(ssl, pipe.bio, pipe.bio)  // the SSL owns the BIO from here
        // Read every received record in one BIO read instead of a header and a body per record.
        SSL_set_read_ahead(ssl, 1)
        self.ssl = ssl
        self.pipe = pipe
        isClient = serverName != nil
        if let serverName {
            peerDescription = "server \(serverName)"
            SSL_set_connect_state(ssl)
            if IPAddressText.isLiteral(serverName) {
                // No SNI for an address (RFC 6066); verify the certificate's IP SAN instead.
                _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), serverName)
            } else {
                _ = cssl_set_tlsext_host_name(ssl, serverName)
                _ = SSL_set1_host(ssl, serverName)
            }
        } else {
            peerDescription = "client"
            SSL_set_accept_state(ssl)
        }
        _ = SSL_set_ex_data(ssl, ALPN.engineSlot, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        pipe.detach()
        SSL_free(ssl)
    }

    // MARK: - Input

    /// Takes ciphertext received from the peer (copied).
    public func receive(_ ciphertext: Span<UInt8>) {
        guard !ciphertext.isEmpty else { return }
        ciphertext.withUnsafeBytes { bytes in
            checkFirstBytes(bytes)
            pipe.append(bytes)
        }
    }

    /// Lends ciphertext received from the peer to the engine while `body` runs (`handshake`,
    /// `read`): OpenSSL reads it in place, and only what it leaves (an incomplete record) is copied.
    func receiving<R, E: Error>(_ ciphertext: Span<UInt8>, _ body: () throws(E) -> R) throws(E) -> R {
        try ciphertext.withUnsafeBytes { bytes throws(E) in
            if !bytes.isEmpty { checkFirstBytes(bytes) }
            return try pipe.withBorrowedInput(bytes, body)
        }
    }

    private func checkFirstBytes(_ bytes: UnsafeRawBufferPointer) {
        guard !receivedAny else { return }
        receivedAny = true
        // Every TLS record starts with content type 20...23; HTTP/2's preface starts with "P",
        // a plaintext server's first frame with a zero length byte.
        if !(0x14...0x17).contains(bytes[0]) { notTLS = Array(bytes.prefix(16)) }
    }

    /// The peer closed its side of the transport: what follows without close_notify is an error.
    public func receiveEndOfStream() {
        receivedEndOfStream = true
        pipe.ended = true
    }

    // MARK: - Handshake

    /// Advances the handshake with the ciphertext received so far. Returns true once it is
    /// complete and checked (ALPN `h2`, certificates); false while it needs more input. Send
    /// `flushOutput`'s bytes after every call, also after a throw (they carry the alert).
    /// - Throws: `TLSError` naming why the handshake failed.
    public func handshake() throws(TLSError) -> Bool {
        switch state {
        case .handshaking: break
        case .established, .closing, .closedByPeer: return true
        case .failed: throw failure ?? TLSError(.protocolFailure, "TLS connection failed")
        }
        if let notTLS { throw fail(notTLSError(notTLS)) }
        OpenSSLErrors.clear()
        let result = SSL_do_handshake(ssl)
        if result == 1 {
            try checkEstablished()
            state = .established
            return true
        }
        let code = SSL_get_error(ssl, result)
        if code == SSL_ERROR_WANT_READ && !receivedEndOfStream { return false }
        throw fail(classify(code, during: "handshake"))
    }

    private func checkEstablished() throws(TLSError) {
        guard negotiatedProtocol == "h2" else {
            let message =
                isClient
                ? "TLS handshake with \(peerDescription) failed: it selected no ALPN h2 (\(negotiatedProtocol ?? "none"))"
                : "TLS handshake with client failed: it did not offer ALPN h2"
            throw fail(TLSError(.noApplicationProtocol, message))
        }
        if let certificate = SSL_get0_peer_certificate(ssl) { peerCertificate = TLSPeerCertificate(x509: certificate) }
    }

    // MARK: - Reading

    /// Decrypts what has been received, handing the plaintext to `body` in pieces of up to 64 KiB.
    /// `body` may call `write`, not `receive`.
    /// - Throws: `TLSError` on a bad record, or `.unexpectedEndOfStream` when the transport ended
    ///   without close_notify.
    public func read(_ body: (Span<UInt8>) -> Void) throws(TLSError) -> ReadOutcome {
        switch state {
        case .handshaking: preconditionFailure("TLSEngine.read before the handshake completed")
        case .closedByPeer: return .closed
        case .failed: throw failure ?? TLSError(.protocolFailure, "TLS connection failed")
        case .established, .closing: break
        }
        return try withUnsafeTemporaryAllocation(of: UInt8.self, capacity: Self.readChunk) { buffer throws(TLSError) in
            var filled = 0
            while true {
                var count = 0
                OpenSSLErrors.clear()
                let result = SSL_read_ex(ssl, buffer.baseAddress! + filled, buffer.count - filled, &count)
                if result == 1 {
                    filled += count
                    if filled == buffer.count {
                        body(UnsafeBufferPointer(rebasing: buffer[0..<filled]).span)
                        filled = 0
                    }
                    continue
                }
                let code = SSL_get_error(ssl, result)
                if filled > 0 { body(UnsafeBufferPointer(rebasing: buffer[0..<filled]).span) }
                switch code {
                case SSL_ERROR_WANT_READ:
                    return .needsMoreData
                case SSL_ERROR_ZERO_RETURN:
                    state = .closedByPeer
                    OpenSSLErrors.clear()
                    _ = SSL_shutdown(ssl)  // answer with our close_notify
                    return .closed
                default:
                    throw fail(classify(code, during: "read"))
                }
            }
        }
    }

    // MARK: - Writing

    /// Stages plaintext; it is sealed with everything else staged at the next `flushOutput`
    /// after the handshake. Once established, whole 16 KiB records are sealed as soon as they are
    /// full (the same records the flush would make), the part of a large write that fills them
    /// straight from `plaintext` without staging it; only the tail of less than a record is copied.
    public func write(_ plaintext: Span<UInt8>) {
        plaintext.withUnsafeBufferPointer { source in
            guard state == .established, staged.count + source.count >= Self.recordSize else {
                staged.append(contentsOf: source)
                return
            }
            var rest = source[...]
            if !staged.isEmpty {
                let topUp = (Self.recordSize - staged.count % Self.recordSize) % Self.recordSize
                staged.append(contentsOf: rest.prefix(topUp))
                rest = rest.dropFirst(topUp)
                do throws(TLSError) { try sealStaged() } catch {
                    writeFailure = error  // thrown by the next flush
                    return
                }
            }
            let whole = rest.count - rest.count % Self.recordSize
            if whole > 0 {
                do throws(TLSError) {
                    try seal(UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: rest.prefix(whole))))
                } catch {
                    writeFailure = error
                    return
                }
            }
            staged.append(contentsOf: rest.dropFirst(whole))
        }
    }

    /// Bytes staged by `write` and not yet sealed.
    public var stagedPlaintextBytes: Int { staged.count }

    /// Bytes written and not yet handed over: staged plaintext and sealed ciphertext.
    public var bufferedBytes: Int { staged.count + pipe.output.count }

    /// Seals the staged plaintext (once established) and hands all pending ciphertext (handshake
    /// messages, records, alerts, close_notify) to `body` as one buffer; does nothing when there is none.
    /// - Throws: `TLSError` when sealing fails.
    public func flushOutput(_ body: (Span<UInt8>) -> Void) throws(TLSError) {
        try sealStaged()
        pipe.withOutput(body)
    }

    /// Seals the staged plaintext (once established) and returns all pending ciphertext as one
    /// array to queue on the socket without a copy; nil when there is none.
    /// - Throws: `TLSError` when sealing fails.
    public func takeOutput() throws(TLSError) -> [UInt8]? {
        try sealStaged()
        return pipe.takeOutput()
    }

    /// True when `flushOutput` has something to hand over.
    public var hasPendingOutput: Bool {
        !pipe.output.isEmpty || (!staged.isEmpty && (state == .established || state == .closedByPeer))
    }

    /// Encrypts what is staged into the pipe's output, as records of up to 16 KiB.
    private func sealStaged() throws(TLSError) {
        if let error = writeFailure {
            writeFailure = nil
            throw error
        }
        guard !staged.isEmpty && (state == .established || state == .closedByPeer) else { return }
        let written: Result<Void, TLSError> = staged.withUnsafeBytes { raw in
            do throws(TLSError) {
                try seal(raw)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        staged.removeAll(keepingCapacity: staged.count <= 256 * 1024)
        try written.get()
    }

    /// Encrypts `plaintext` into the pipe's output, as records of up to 16 KiB.
    private func seal(_ plaintext: UnsafeRawBufferPointer) throws(TLSError) {
        pipe.reserveOutput(plaintext.count + (plaintext.count / Self.recordSize + 1) * Self.recordOverhead)
        var count = 0
        OpenSSLErrors.clear()
        let result = SSL_write_ex(ssl, plaintext.baseAddress, plaintext.count, &count)
        if result == 1 && count == plaintext.count { return }
        throw fail(classify(SSL_get_error(ssl, result), during: "write"))
    }

    /// OpenSSL's largest record (`SSL3_RT_MAX_PLAIN_LENGTH`, the default maximum fragment).
    private static let recordSize = 16 * 1024
    /// Bytes a record adds at most: header 5, TLS 1.2 explicit nonce 8 or TLS 1.3 type 1, tag 16.
    private static let recordOverhead = 29

    // MARK: - Closing

    /// Seals what is staged and queues close_notify; send `flushOutput`'s bytes, then close the
    /// transport. Nothing is sent after a failure (OpenSSL forbids it).
    public func close() {
        guard state == .established || state == .closedByPeer else {
            if state == .handshaking { state = .closing }
            return
        }
        try? sealStaged()
        OpenSSLErrors.clear()
        _ = SSL_shutdown(ssl)
        OpenSSLErrors.clear()
        if state == .established { state = .closing }
    }

    // MARK: - Properties of the established connection

    /// The protocol ALPN selected (`h2` once established).
    public var negotiatedProtocol: String? {
        var data: UnsafePointer<UInt8>?
        var length: UInt32 = 0
        SSL_get0_alpn_selected(ssl, &data, &length)
        guard let data, length > 0 else { return nil }
        return String(decoding: UnsafeBufferPointer(start: data, count: Int(length)), as: UTF8.self)
    }

    /// The TLS version in use, once established.
    public var protocolVersion: TLSVersion? {
        switch SSL_version(ssl) {
        case TLS1_3_VERSION: .v1_3
        case TLS1_2_VERSION: .v1_2
        default: nil
        }
    }

    /// The cipher suite in use (OpenSSL's name, e.g. `TLS_AES_128_GCM_SHA256`), once established.
    public var cipherSuite: String? {
        SSL_get_current_cipher(ssl).flatMap { SSL_CIPHER_get_name($0) }.map { String(cString: $0) }
    }

    /// The name the client asked for with SNI (server side), once established.
    public var requestedServerName: String? {
        SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name).map { String(cString: $0) }
    }

    // MARK: - Errors

    private func fail(_ error: TLSError) -> TLSError {
        state = .failed
        failure = error
        return error
    }

    private func notTLSError(_ first: [UInt8]) -> TLSError {
        let shown = IPAddressText.preview(first)
        if isClient {
            return TLSError(
                .peerNotTLS,
                "TLS handshake with \(peerDescription) failed: it answered with bytes that are not TLS (\(shown)); is it a plaintext server?"
            )
        }
        return TLSError(.peerNotTLS, "TLS handshake with client failed: it sent plaintext, not TLS (\(shown))")
    }

    private func classify(_ code: Int32, during step: String) -> TLSError {
        let entries = OpenSSLErrors.drain()
        let suffix = OpenSSLErrors.suffix(entries)
        let prefix =
            step == "handshake"
            ? "TLS handshake with \(peerDescription) failed: " : "TLS \(step) from \(peerDescription) failed: "
        if let refusal = alpnRefusal {
            let offered =
                switch refusal {
                case .noExtension: "no ALPN"
                case .offered(let names): "ALPN \(names.joined(separator: ", "))"
                }
            return TLSError(.noApplicationProtocol, prefix + "it offered \(offered), not h2" + suffix)
        }
        if code == SSL_ERROR_ZERO_RETURN {
            return TLSError(
                .unexpectedEndOfStream, prefix + "it closed the connection (close_notify) during the \(step)")
        }
        let reasons = entries.map(\.reason)
        if reasons.contains(SSL_R_CERTIFICATE_VERIFY_FAILED) {
            let result = SSL_get_verify_result(ssl)
            let text = X509_verify_cert_error_string(result).map { String(cString: $0) } ?? "error \(result)"
            let whose = isClient ? "its certificate" : "the client certificate"
            return TLSError(
                VerifyResult.kind(Int32(truncatingIfNeeded: result)),
                prefix + "\(whose): \(text) (X509 error \(result))" + suffix)
        }
        if reasons.contains(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE) {
            return TLSError(
                .certificateRequired, prefix + "a client certificate is required and none was sent" + suffix)
        }
        if let alert = reasons.first(where: { $0 >= 1000 && $0 < 1256 }).map({ $0 - 1000 }) {
            return TLSError(VerifyResult.kind(alert: alert), prefix + "its alert \(alert)" + suffix)
        }
        if reasons.contains(SSL_R_UNEXPECTED_EOF_WHILE_READING) || (code == SSL_ERROR_SYSCALL && receivedEndOfStream)
            || (code == SSL_ERROR_WANT_READ && receivedEndOfStream)
        {
            return TLSError(.unexpectedEndOfStream, prefix + "the connection ended without close_notify" + suffix)
        }
        if reasons.contains(SSL_R_WRONG_VERSION_NUMBER) || reasons.contains(SSL_R_HTTP_REQUEST) {
            return TLSError(.peerNotTLS, prefix + "it does not speak TLS" + suffix)
        }
        return TLSError(.protocolFailure, prefix + "error \(code)" + (suffix.isEmpty ? "" : suffix))
    }
}

/// Verification results and alerts, sorted into `TLSError.Kind`s.
enum VerifyResult {
    static func kind(_ result: Int32) -> TLSError.Kind {
        switch result {
        case X509_V_ERR_CERT_HAS_EXPIRED, X509_V_ERR_CERT_NOT_YET_VALID: .certificateExpired
        case X509_V_ERR_HOSTNAME_MISMATCH, X509_V_ERR_IP_ADDRESS_MISMATCH: .hostnameMismatch
        case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT, X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY, X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE,
            X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
            .untrustedCertificate
        default: .certificateInvalid
        }
    }

    /// A TLS alert code from the peer (RFC 8446 §6).
    static func kind(alert: Int32) -> TLSError.Kind {
        switch alert {
        case 116: .certificateRequired
        case 42, 43, 44, 45, 46, 48, 49: .certificateRejectedByPeer
        case 120: .noApplicationProtocol
        default: .protocolFailure
        }
    }
}
