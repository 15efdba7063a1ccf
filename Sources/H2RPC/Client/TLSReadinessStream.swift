import EventIO
import H2TLS

/// A client TLS stream that tells when the connection is usable: at the first plaintext bytes
/// from the server (its HTTP/2 SETTINGS, so the handshake is over and the server accepted us,
/// which with TLS 1.3 and a refused client certificate is only known then), or that it failed,
/// with OpenSSL's reason. Everything else passes through to the TLS stream. Loop thread only.
final class TLSReadinessStream: ByteStream, ByteStreamDelegate, @unchecked Sendable {
    private let inner: TLSByteStream
    private let peer: String
    private var delegate: (any ByteStreamDelegate)?
    /// Told once: nil when the server's first bytes arrived, else why the connection ended first.
    private var onOutcome: ((RPCError?) -> Void)?

    /// Wraps `inner`; `onOutcome` runs on the loop once.
    init(_ inner: TLSByteStream, peer: String, onOutcome: @escaping (RPCError?) -> Void) {
        self.inner = inner
        self.peer = peer
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
            let reason =
                inner.failure.map(\.description) ?? error.map(\.description) ?? "the server closed the connection"
            report(RPCError(code: .unavailable, message: "TLS connection to \(peer) failed: \(reason)"))
        }
        let delegate = self.delegate
        self.delegate = nil
        delegate?.byteStreamClosed(error: error)
    }
}
