import H2

/// The operations H2RPC performs on one HTTP/2 stream. Loop thread only; implemented over H2's
/// stream type, and by an in-memory recorder in unit tests.
protocol RPCStreamIO: AnyObject {
    /// Sends a header block (response headers, Trailers-Only, or request headers on a client).
    func sendHeaders(_ headers: [HeaderField], endStream: Bool)
    /// Queues DATA bytes; with `endStream` the local side closes after them.
    func sendData(_ bytes: [UInt8], endStream: Bool)
    /// Sends trailers (HEADERS with END_STREAM) after queued data.
    func sendTrailers(_ headers: [HeaderField])
    /// Resets the stream (RST_STREAM) with an HTTP/2 error code.
    func reset(_ code: H2ErrorCode)
    /// Gives `byteCount` bytes of received DATA back to flow control (WINDOW_UPDATE).
    func consume(_ byteCount: Int)
    /// False while the stream's outbound queue is above its high-water mark; the stream reports
    /// (`outboundDrained`) when it turns true again.
    var isWritable: Bool { get }
}
