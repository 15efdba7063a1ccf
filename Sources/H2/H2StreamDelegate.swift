/// Receives one stream's events, in order, on its connection's loop thread:
/// head (client side; a server gets the head when the stream is handed over) → data* →
/// end (with trailers, if any) → close. Never called from inside nghttp2: events are
/// recorded while nghttp2 parses and delivered after it returns, so every stream and
/// connection method may be called from here.
public protocol H2StreamDelegate: AnyObject {
    /// The response head arrived (client streams; 1xx heads are skipped).
    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers)
    /// DATA bytes arrived. `bytes` borrows the loop's read buffer: copy what must outlive the call.
    /// The bytes stay counted against the stream's window until `stream.consume(_:)` gives them back.
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>)
    /// The peer finished its side (END_STREAM), with trailers if it sent any.
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?)
    /// The stream's outbound queue crossed its high-water mark (see `H2Stream.isWritable`).
    func streamWritabilityChanged(_ stream: H2Stream)
    /// The stream is closed: `error == nil` after both sides ended normally. The last call.
    func stream(_ stream: H2Stream, didClose error: H2Error?)
}

extension H2StreamDelegate {
    /// Default: nothing (server streams get their head from the stream handler).
    public func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {}
    /// Default: nothing.
    public func streamWritabilityChanged(_ stream: H2Stream) {}
}

/// Receives connection-level events on the connection's loop thread.
public protocol H2ConnectionDelegate: AnyObject {
    /// The peer sent GOAWAY: no new streams on this connection.
    func connection(_ connection: H2Connection, didReceiveGoAway code: H2ErrorCode, lastStreamID: Int32)
    /// The connection is closed (`error == nil`: closed normally). The last call.
    func connection(_ connection: H2Connection, didClose error: H2Error?)
}

extension H2ConnectionDelegate {
    /// Default: nothing.
    public func connection(_ connection: H2Connection, didReceiveGoAway code: H2ErrorCode, lastStreamID: Int32) {}
}
