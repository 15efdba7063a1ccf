public import EventIO

/// One HTTP/2 stream of an `H2Connection`.
///
/// Events arrive through its `delegate` on the connection's loop thread. The send methods
/// may be called from any thread (off the loop they hop onto it through the loop's queue);
/// they queue frames that leave, together with every other stream's, at the end of the loop turn.
public final class H2Stream: @unchecked Sendable {
    /// The stream id (odd: client-initiated).
    public let id: Int32
    /// The connection the stream belongs to.
    public let connection: H2Connection
    /// Receives the stream's events; set by whoever owns the stream. Loop thread only.
    public var delegate: (any H2StreamDelegate)?
    /// Free slot for the owner's state (e.g. a call object). Loop thread only.
    public var context: AnyObject?

    // Outbound state, read by the session's data provider.
    var outbound = ChunkQueue()
    var outboundBytes = 0
    var localEnded = false
    var pendingTrailers: H2Headers?
    var headersSubmitted = false
    var providerDeferred = false
    var providerAttached = false
    var resetSubmitted = false
    var closed = false

    // Inbound state.
    var incoming: [H2Header] = []
    var incomingBytes = 0
    var incomingTooLarge = false
    var headStartedAt: UInt64 = 0
    var receivedHead = false
    var handedOver = false

    /// False while more than `H2Configuration.streamWriteHighWaterMark` bytes are queued;
    /// `streamWritabilityChanged` tells the delegate when it turns true again. Loop thread only.
    public internal(set) var isWritable = true

    /// Bytes queued by `sendData` that nghttp2 has not taken yet. Loop thread only.
    public var queuedOutboundBytes: Int { outboundBytes }

    init(id: Int32, connection: H2Connection) {
        self.id = id
        self.connection = connection
    }

    /// The loop that owns this stream.
    public var loop: EventLoop { connection.loop }

    /// Sends the response head (server streams). With `endStream`, and nothing queued, the head
    /// ends the stream (for a gRPC Trailers-Only response). Any thread.
    public func sendHeaders(_ head: H2Headers, endStream: Bool = false) {
        guard loop.inEventLoop else {
            loop.execute { self.sendHeaders(head, endStream: endStream) }
            return
        }
        connection.session.sendHeaders(self, head, endStream: endStream)
    }

    /// Queues `bytes` as DATA without copying them; with `endStream` the last frame carries END_STREAM. Any thread.
    public func sendData(_ bytes: [UInt8], endStream: Bool = false) {
        guard loop.inEventLoop else {
            loop.execute { self.sendData(bytes, endStream: endStream) }
            return
        }
        connection.session.sendData(self, bytes, endStream: endStream)
    }

    /// Queues a copy of `bytes` as DATA. Loop thread only.
    public func sendData(copying bytes: Span<UInt8>, endStream: Bool = false) {
        connection.loop.preconditionInEventLoop()
        connection.session.sendData(self, bytes.copiedArray, endStream: endStream)
    }

    /// Ends the stream after the queued data with trailers (a HEADERS frame with END_STREAM). Any thread.
    public func sendTrailers(_ trailers: H2Headers) {
        guard loop.inEventLoop else {
            loop.execute { self.sendTrailers(trailers) }
            return
        }
        connection.session.sendTrailers(self, trailers)
    }

    /// Ends the stream after the queued data, without trailers. Any thread.
    public func finish() {
        sendData([], endStream: true)
    }

    /// Resets the stream (RST_STREAM with `code`); queued data is dropped. Any thread.
    public func reset(_ code: H2ErrorCode = .cancel) {
        guard loop.inEventLoop else {
            loop.execute { self.reset(code) }
            return
        }
        connection.session.reset(self, code: code)
    }

    /// Gives `count` received bytes back to the peer's flow-control window, letting it send
    /// that much more. Data not consumed keeps the window closed: that is the backpressure. Any thread.
    public func consume(_ count: Int) {
        guard count > 0 else { return }
        guard loop.inEventLoop else {
            loop.execute { self.consume(count) }
            return
        }
        connection.session.consume(self, count)
    }
}
