public import EventIO

/// Receives a TLS connection's events on its loop thread.
public protocol TLSConnectionDelegate: AnyObject {
    /// The handshake completed and was checked (ALPN `h2`, certificates); plaintext may flow.
    func tlsConnectionDidCompleteHandshake(_ connection: TLSConnection)
    /// Plaintext arrived. `bytes` is borrowed: copy what must outlive the call.
    func tlsConnection(_ connection: TLSConnection, didRead bytes: Span<UInt8>)
    /// `connection.isWritable` changed (the socket's queue crossed a water mark).
    func tlsConnectionWritabilityChanged(_ connection: TLSConnection)
    /// The connection is closed: `error == nil` after close_notify or `close()`. Called exactly once.
    func tlsConnectionClosed(_ connection: TLSConnection, error: TLSConnection.Failure?)
}

extension TLSConnectionDelegate {
    /// Default: ignore writability changes.
    public func tlsConnectionWritabilityChanged(_ connection: TLSConnection) {}
}

/// TLS over a `TCPConnection` (TCP or Unix socket), through a `TLSEngine`: the socket's bytes go
/// into the engine, plaintext comes out to the delegate, and plaintext written during a loop turn
/// is sealed into full 16 KiB records as it comes (the rest at the end of the turn) and leaves in
/// one socket write. Loop thread only
/// unless documented otherwise.
public final class TLSConnection: TCPConnectionDelegate, EndOfTurnHandler, @unchecked Sendable {
    /// Why a connection ended abnormally.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// TLS failed (handshake, verification, ALPN, a bad record, no close_notify).
        case tls(TLSError)
        /// The socket failed.
        case io(IOError)

        public var description: String {
            switch self {
            case .tls(let error): error.description
            case .io(let error): error.description
            }
        }
    }

    /// The transport.
    public let tcp: TCPConnection
    /// The TLS state (peer certificate, protocol, cipher).
    public let engine: TLSEngine
    private let handshakeTimeout: Duration?
    private weak var delegate: (any TLSConnectionDelegate)?
    private var strongDelegate: (any TLSConnectionDelegate)?
    private var timer: LoopTimer?
    private var flushScheduled = false
    private var closeRequested = false
    private var failure: Failure?
    private var announcedHandshake = false

    /// Wraps `tcp` (not yet started) with `engine`; `start` begins the handshake.
    /// - Parameter handshakeTimeout: close with `.timedOut` if the handshake takes longer.
    public init(tcp: TCPConnection, engine: TLSEngine, handshakeTimeout: Duration? = .seconds(10)) {
        self.tcp = tcp
        self.engine = engine
        self.handshakeTimeout = handshakeTimeout
    }

    /// Starts the transport and the handshake (a client sends its ClientHello now). The connection
    /// keeps `delegate` until it closes. Loop thread only; call once.
    public func start(delegate: any TLSConnectionDelegate) {
        strongDelegate = delegate
        self.delegate = delegate
        tcp.start(delegate: self)
        guard tcp.isOpen else { return }
        if let handshakeTimeout {
            timer = tcp.loop.schedule(after: handshakeTimeout) { [weak self] in
                guard let self, !self.announcedHandshake else { return }
                self.fail(.tls(TLSError(.timedOut, "TLS handshake did not finish within \(handshakeTimeout)")))
            }
        }
        drive()
    }

    /// True once the handshake completed, until the connection closes.
    public var isEstablished: Bool { announcedHandshake && tcp.isOpen }
    /// False while the socket's queue is above its high-water mark.
    public var isWritable: Bool { tcp.isWritable }
    /// The peer's certificate identity (after the handshake).
    public var peerCertificate: TLSPeerCertificate? { engine.peerCertificate }

    /// Stages plaintext; it is sealed and sent at the end of the loop turn (after the handshake).
    public func write(_ bytes: Span<UInt8>) {
        guard tcp.isOpen, !closeRequested else { return }
        engine.write(bytes)
        scheduleFlush()
    }

    /// Seals what is staged and writes it to the socket now instead of at the end of the turn.
    public func flush() {
        flushCiphertext()
        tcp.flush()
    }

    /// Closes the socket at once, without close_notify; staged output is dropped.
    public func abort() {
        closeRequested = true
        tcp.close()
    }

    /// Sends close_notify after what is staged, then closes the socket once its queue is written.
    public func close() {
        guard !closeRequested else { return }
        closeRequested = true
        engine.close()
        flushCiphertext()
        tcp.closeAfterFlush()
    }

    // MARK: - Transport events

    public func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        // The engine reads the socket's buffer in place while it runs; it keeps a copy of an incomplete record only.
        engine.receiving(bytes) { drive() }
    }

    public func connectionWritabilityChanged(_ connection: TCPConnection) {
        delegate?.tlsConnectionWritabilityChanged(self)
    }

    public func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        timer?.cancel()
        var outcome = failure
        if outcome == nil, let error {
            outcome = .io(error)
        } else if outcome == nil && !closeRequested && engine.state != .closedByPeer {
            outcome = .tls(
                TLSError(
                    .unexpectedEndOfStream,
                    announcedHandshake
                        ? "TLS connection closed by the peer without close_notify"
                        : "TLS handshake failed: the peer closed the connection during the handshake"))
        }
        let delegate = strongDelegate
        strongDelegate = nil
        delegate?.tlsConnectionClosed(self, error: outcome)
    }

    public func endOfTurn() {
        flushScheduled = false
        flushCiphertext()
    }

    // MARK: - Engine

    private func drive() {
        guard failure == nil else { return }
        do throws(TLSError) {
            if !announcedHandshake {
                guard try engine.handshake() else {
                    scheduleFlush()
                    return
                }
                announcedHandshake = true
                timer?.cancel()
                delegate?.tlsConnectionDidCompleteHandshake(self)
                guard tcp.isOpen else { return }
            }
            let outcome = try engine.read { [unowned self] bytes in delegate?.tlsConnection(self, didRead: bytes) }
            scheduleFlush()
            if outcome == .closed && !closeRequested {
                closeRequested = true  // our close_notify answer is queued by the engine
                flushCiphertext()
                tcp.closeAfterFlush()
            }
        } catch {
            fail(.tls(error))
        }
    }

    private func fail(_ error: Failure) {
        guard failure == nil else { return }
        failure = error
        flushCiphertext()  // the alert, if any
        tcp.closeAfterFlush()
    }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        tcp.loop.runAtEndOfTurn(self)
    }

    private func flushCiphertext() {
        guard tcp.isOpen else { return }
        do throws(TLSError) {
            if let ciphertext = try engine.takeOutput() { tcp.write(ciphertext) }  // queued without a copy
        } catch {
            fail(.tls(error))
        }
    }
}
