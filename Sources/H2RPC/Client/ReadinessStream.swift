import EventIO
import H2TLS

/// A client connection's byte stream (TCP, or TLS over it) that tells when the connection is
/// usable: at the first bytes from the server (its HTTP/2 SETTINGS; with TLS the handshake is then
/// over and the server accepted us, which with TLS 1.3 and a refused client certificate is only
/// known then), or that it ended first, with the reason (OpenSSL's for TLS). Everything else passes
/// through to the inner stream. Loop thread only.
final class ReadinessStream: ByteStream, ByteStreamDelegate, @unchecked Sendable {
    private let inner: any ByteStream
    private let peer: String
    private let describeFailure: () -> String?
    private var delegate: (any ByteStreamDelegate)?
    /// Told once: nil when the server's first bytes arrived, else why the connection ended first.
    private var onOutcome: ((RPCError?) -> Void)?

    /// Wraps a TLS stream; a failure names OpenSSL's reason.
    convenience init(tls inner: TLSByteStream, peer: String, onOutcome: @escaping (RPCError?) -> Void) {
        self.init(
            inner, peer: "TLS connection to \(peer)", describeFailure: { inner.failure.map(\.description) },
            onOutcome: onOutcome)
    }

    /// Wraps `inner`; `onOutcome` runs on the loop once. `describeFailure` gives the inner stream's
    /// own reason for a close, if it has one; `peer` names the connection in errors.
    init(
        _ inner: any ByteStream, peer: String, describeFailure: @escaping () -> String? = { nil },
        onOutcome: @escaping (RPCError?) -> Void
    ) {
        self.inner = inner
        self.peer = peer
        self.describeFailure = describeFailure
        self.onOutcome = onOutcome
    }

    var loop: EventLoop { inner.loop }
    var remoteAddress: SocketAddress? { inner.remoteAddress }
    var localAddress: SocketAddress? { inner.localAddress }
    var isOpen: Bool { inner.isOpen }
    var isWritable: Bool { inner.isWritable }
    var pendingWriteBytes: Int { inner.pendingWriteBytes }

    func start(delegate: any ByteStreamDelegate) {
        self.delegate = delegate
        inner.start(delegate: self)
    }

    func write(_ bytes: Span<UInt8>) { inner.write(bytes) }
    func write(_ bytes: [UInt8], range: Range<Int>) { inner.write(bytes, range: range) }
    func flush() { inner.flush() }
    func close() { inner.close() }
    func closeAfterFlush() { inner.closeAfterFlush() }

    func byteStreamDidRead(_ bytes: Span<UInt8>) {
        if let report = onOutcome {
            onOutcome = nil
            report(nil)
        }
        delegate?.byteStreamDidRead(bytes)
    }

    func byteStreamWritabilityChanged() { delegate?.byteStreamWritabilityChanged() }

    func byteStreamClosed(error: IOError?) {
        if let report = onOutcome {
            onOutcome = nil
            let reason = describeFailure() ?? error.map(\.description) ?? "the server closed the connection"
            report(RPCError(code: .unavailable, message: "\(peer) failed: \(reason)"))
        }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.byteStreamClosed(error: error)
    }
}
