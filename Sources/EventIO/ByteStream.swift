/// An ordered, reliable byte stream owned by one event loop, as a protocol layer (HTTP/2) sees it:
/// bytes come in through the delegate, go out through `write`, with writability and close.
///
/// `TCPConnection` is one; a TLS layer (wrapping a `TCPConnection` as its delegate) or a
/// Unix-domain socket is another, and the layer above does not know which it runs on.
///
/// Every member is loop thread only. Writes are queued and leave together at the end of the
/// loop turn at the latest (`flush()` sends them at once).
public protocol ByteStream: AnyObject {
    /// The loop that owns the stream and calls its delegate.
    var loop: EventLoop { get }
    /// The peer's address, if known.
    var remoteAddress: SocketAddress? { get }
    /// The local address, if known.
    var localAddress: SocketAddress? { get }

    /// Starts delivering events to `delegate`, which the stream keeps until it has told it about
    /// the close. Call once.
    func start(delegate: any ByteStreamDelegate)

    /// True until the stream is closed.
    var isOpen: Bool { get }
    /// False while more output is queued than the stream wants to buffer; the delegate hears
    /// `byteStreamWritabilityChanged()` when it turns true again.
    var isWritable: Bool { get }
    /// Bytes written and not yet accepted by the transport below.
    var pendingWriteBytes: Int { get }

    /// Queues a copy of `bytes`.
    func write(_ bytes: Span<UInt8>)
    /// Queues `bytes[range]` without copying (the array is kept until written).
    func write(_ bytes: [UInt8], range: Range<Int>)
    /// Sends what is queued now instead of at the end of the loop turn.
    func flush()

    /// Closes at once; queued output is dropped. The delegate hears `byteStreamClosed(error: nil)`.
    func close()
    /// Closes once queued output has been sent.
    func closeAfterFlush()
}

/// Receives a `ByteStream`'s events on its loop thread.
public protocol ByteStreamDelegate: AnyObject {
    /// Bytes arrived. `bytes` is borrowed (usually from the loop's read buffer): copy what must
    /// outlive the call.
    func byteStreamDidRead(_ bytes: Span<UInt8>)
    /// `isWritable` changed.
    func byteStreamWritabilityChanged()
    /// The stream is closed (`error == nil`: closed cleanly by either side). Called exactly once;
    /// the stream releases its delegate afterwards.
    func byteStreamClosed(error: IOError?)
}
