/// Receives a connection's events on its loop thread.
public protocol TCPConnectionDelegate: AnyObject {
    /// Bytes arrived. `bytes` borrows the loop's read buffer: copy what must outlive the call.
    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>)
    /// `connection.isWritable` changed: output went above the high-water mark, or drained below the low one.
    func connectionWritabilityChanged(_ connection: TCPConnection)
    /// The connection is closed (`error == nil`: the peer closed it cleanly, or `close()` was called).
    /// Called exactly once; the connection releases its delegate afterwards.
    func connectionClosed(_ connection: TCPConnection, error: IOError?)
}

extension TCPConnectionDelegate {
    /// Default: ignore writability changes.
    public func connectionWritabilityChanged(_ connection: TCPConnection) {}
}

/// Presents a `TCPConnectionDelegate` as the connection's `ByteStreamDelegate`.
final class TCPDelegateAdapter: ByteStreamDelegate {
    private let delegate: any TCPConnectionDelegate
    /// The connection owns the adapter and outlives every call into it.
    private unowned(unsafe) let connection: TCPConnection

    init(_ delegate: any TCPConnectionDelegate, connection: TCPConnection) {
        self.delegate = delegate
        self.connection = connection
    }

    func byteStreamDidRead(_ bytes: Span<UInt8>) { delegate.connection(connection, didRead: bytes) }
    func byteStreamWritabilityChanged() { delegate.connectionWritabilityChanged(connection) }
    func byteStreamClosed(error: IOError?) { delegate.connectionClosed(connection, error: error) }
}
