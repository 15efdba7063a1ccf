public import EventIO

/// A TLS connection presented as a `ByteStream`, so that HTTP/2 (`H2Connection.accept` /
/// `connect(over:)`) runs over it unchanged. The handshake runs when the stream starts; what the
/// session writes before it completes is sealed after it, and nothing is read before it.
/// Writes of one loop turn are sealed into as few records as fit (full 16 KiB records as they
/// fill, the rest at the end of the turn) and leave in one socket write. Loop thread only.
public final class TLSByteStream: ByteStream, TLSConnectionDelegate, @unchecked Sendable {
    /// The TLS connection (engine, peer certificate).
    public let connection: TLSConnection
    private var delegate: (any ByteStreamDelegate)?
    /// Why the stream ended abnormally, with the TLS cause typed (the delegate hears it as an `IOError`).
    public private(set) var failure: TLSConnection.Failure?

    /// A server stream over an accepted, not yet started `tcp`.
    /// - Throws: `TLSError` when OpenSSL cannot allocate the connection.
    public init(
        accepted tcp: TCPConnection, context: TLSServerContext, handshakeTimeout: Duration? = .seconds(10)
    ) throws(TLSError) {
        connection = TLSConnection(tcp: tcp, engine: try context.makeEngine(), handshakeTimeout: handshakeTimeout)
    }

    /// A client stream over a connected, not yet started `tcp`, verifying `serverName` (unless the
    /// context's configuration overrides it).
    /// - Throws: `TLSError` when OpenSSL cannot allocate the connection.
    public init(
        connected tcp: TCPConnection, serverName: String, context: TLSClientContext,
        handshakeTimeout: Duration? = .seconds(10)
    ) throws(TLSError) {
        connection = TLSConnection(
            tcp: tcp, engine: try context.makeEngine(serverName: serverName), handshakeTimeout: handshakeTimeout)
    }

    public var loop: EventLoop { connection.tcp.loop }
    public var remoteAddress: SocketAddress? { connection.tcp.remoteAddress }
    public var localAddress: SocketAddress? { connection.tcp.localAddress }

    public func start(delegate: any ByteStreamDelegate) {
        self.delegate = delegate
        connection.start(delegate: self)
    }

    public var isOpen: Bool { connection.tcp.isOpen }
    public var isWritable: Bool { connection.tcp.isWritable }
    public var pendingWriteBytes: Int { connection.tcp.pendingWriteBytes + connection.engine.bufferedBytes }

    public func write(_ bytes: Span<UInt8>) { connection.write(bytes) }

    public func write(_ bytes: [UInt8], range: Range<Int>) {
        bytes.withUnsafeBufferPointer { connection.write(UnsafeBufferPointer(rebasing: $0[range]).span) }
    }

    public func flush() { connection.flush() }
    public func close() { connection.abort() }
    /// Sends close_notify after what is queued, then closes.
    public func closeAfterFlush() { connection.close() }

    // MARK: - TLSConnectionDelegate

    public func tlsConnectionDidCompleteHandshake(_ connection: TLSConnection) {}

    public func tlsConnection(_ connection: TLSConnection, didRead bytes: Span<UInt8>) {
        delegate?.byteStreamDidRead(bytes)
    }

    public func tlsConnectionWritabilityChanged(_ connection: TLSConnection) {
        delegate?.byteStreamWritabilityChanged()
    }

    public func tlsConnectionClosed(_ connection: TLSConnection, error: TLSConnection.Failure?) {
        failure = error
        let delegate = self.delegate
        self.delegate = nil
        switch error {
        case nil: delegate?.byteStreamClosed(error: nil)
        case .io(let error): delegate?.byteStreamClosed(error: error)
        case .tls(let error): delegate?.byteStreamClosed(error: IOError(.closed, operation: error.message))
        }
    }
}
