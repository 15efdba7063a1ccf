/// What nghttp2 reported while parsing one input chunk. Recorded inside callbacks and
/// delivered after `nghttp2_session_mem_recv` returns, so user code never runs inside nghttp2.
enum SessionEvent {
    /// A complete header block (request/response head or trailers).
    case headers(stream: Int32, fields: [H2Header], endStream: Bool)
    /// DATA payload bytes at `offset` of the input chunk (or of the spill buffer when `spilled`).
    case data(stream: Int32, offset: Int, count: Int, spilled: Bool)
    /// END_STREAM on a DATA frame.
    case end(stream: Int32)
    /// The stream closed with this HTTP/2 error code (0 = clean).
    case closed(stream: Int32, code: UInt32)
    /// GOAWAY arrived.
    case goAway(code: UInt32, lastStreamID: Int32)
    /// A PING we sent was acknowledged.
    case pingAck(UInt64)
}
