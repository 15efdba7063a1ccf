public import EventIO

/// One HTTP/2 stream of an `H2Connection`.
///
/// Events arrive through its `delegate` on the connection's loop thread. The send methods
/// may be called from any thread (off the loop they hop onto it through the loop's queue);
/// they queue frames that leave, together with every other stream's, at the end of the loop turn.
///
/// The stream owns its inbound state (the header block being received, whether its head was
/// handed over) and its outbound state (queued DATA, trailers, whether it ended or was reset);
/// the session changes them only through the methods below.
public final class H2Stream: @unchecked Sendable {
    /// The stream id (odd: client-initiated).
    public let id: Int32
    /// The connection the stream belongs to.
    public let connection: H2Connection
    // `@exclusivity(unchecked)`: this state is touched only on the loop thread, and the runtime's
    // dynamic exclusivity check of a class property (swift_beginAccess, about 190 instructions)
    // ran about 35 times per gRPC call on the server, 11 % of its instructions.
    /// Receives the stream's events; set by whoever owns the stream. Loop thread only.
    @exclusivity(unchecked) public var delegate: (any H2StreamDelegate)?

    // Outbound.
    @exclusivity(unchecked) private var outbound = ChunkQueue()
    @exclusivity(unchecked) private var pendingTrailers: H2Headers?
    @exclusivity(unchecked) private var providerDeferred = false
    /// Bytes queued by `sendData` that nghttp2 has not taken yet.
    @exclusivity(unchecked) private(set) var outboundBytes = 0
    /// Our side ended (END_STREAM queued, with or without trailers).
    @exclusivity(unchecked) private(set) var localEnded = false
    /// The head (request or response) was submitted.
    @exclusivity(unchecked) private(set) var headersSubmitted = false
    /// nghttp2 pulls this stream's DATA through the data provider.
    @exclusivity(unchecked) private(set) var providerAttached = false
    @exclusivity(unchecked) private(set) var resetSubmitted = false
    /// nghttp2 closed the stream (or the connection closed); nothing more happens on it.
    @exclusivity(unchecked) private(set) var closed = false

    // Inbound.
    @exclusivity(unchecked) private var headerBlock: [H2Header] = []
    @exclusivity(unchecked) private var headerBlockBytes = 0
    @exclusivity(unchecked) private var headerBlockTooLarge = false
    /// When the first header block of a request began arriving; 0 once it is complete.
    @exclusivity(unchecked) private(set) var headStartedAt: UInt64 = 0
    /// The response head arrived (client streams).
    @exclusivity(unchecked) private(set) var receivedHead = false
    /// The stream was handed to its delegate (server: the stream handler ran; client: from the start).
    @exclusivity(unchecked) private(set) var handedOver = false

    /// False while more than `H2Configuration.streamWriteHighWaterMark` bytes are queued on this
    /// stream, or more than `connectionWriteHighWaterMark` on all streams of its connection;
    /// `streamWritabilityChanged` tells the delegate when it turns true again. Loop thread only.
    @exclusivity(unchecked) public private(set) var isWritable = true

    /// Bytes queued by `sendData` that nghttp2 has not taken yet. Loop thread only.
    public var queuedOutboundBytes: Int { outboundBytes }

    init(id: Int32, connection: H2Connection) {
        self.id = id
        self.connection = connection
    }

    /// The loop that owns this stream.
    public var loop: EventLoop { connection.loop }

    // MARK: - Public sending API

    /// Sends the head (the response head on server streams). With `endStream`, and nothing queued,
    /// the head ends the stream (for a gRPC Trailers-Only response). Any thread.
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

    // MARK: - Outbound state (session side)

    /// Marks the head submitted; returns false if it was already (or the stream is closed).
    func beginHeaders(endStream: Bool) -> Bool {
        guard !closed, !headersSubmitted else { return false }
        headersSubmitted = true
        if endStream { localEnded = true }
        return true
    }

    /// True when the head alone ends the stream (no DATA, no trailers to follow).
    var headEndsStream: Bool { localEnded && outboundBytes == 0 && pendingTrailers == nil }

    /// The head left through nghttp2; `attached`: with the data provider.
    func didSubmitHead(providerAttached attached: Bool) {
        providerAttached = attached
    }

    /// A client stream's request was submitted with its head (and the provider unless `endStream`).
    func requestSubmitted(endStream: Bool) {
        headersSubmitted = true
        providerAttached = !endStream
        localEnded = endStream
        handedOver = true
    }

    /// Queues `bytes` (and END_STREAM). Returns false if the stream cannot take them (closed or ended).
    /// `connectionFull`: the connection's streams together queue more than its budget, so this
    /// stream stops being writable too.
    func enqueue(_ bytes: [UInt8], endStream: Bool, highWaterMark: Int, connectionFull: Bool) -> Bool {
        guard !closed, !localEnded else { return false }
        if !bytes.isEmpty {
            outbound.append(bytes)
            outboundBytes += bytes.count
            if outboundBytes > highWaterMark || connectionFull { isWritable = false }
        }
        if endStream { localEnded = true }
        return true
    }

    /// Queues trailers, which end the stream. Returns false if the stream cannot take them.
    func enqueueTrailers(_ trailers: H2Headers) -> Bool {
        guard !closed, !localEnded else { return false }
        pendingTrailers = trailers
        localEnded = true
        return true
    }

    /// True (once) when nghttp2 must be told to pull DATA again: the provider deferred for lack of data.
    func takeDeferral() -> Bool {
        guard providerAttached && providerDeferred else { return false }
        providerDeferred = false
        return true
    }

    /// What the data provider sends next, given that nghttp2 allows up to `length` bytes.
    enum NextFrame {
        /// DATA with `count` bytes; `end`: the last frame (END_STREAM), `trailers`: the last DATA
        /// frame, after which these trailers end the stream.
        case data(count: Int, end: Bool, trailers: H2Headers?)
        /// Nothing queued yet.
        case deferred
        /// The stream was reset: send nothing more.
        case none
    }

    func nextFrame(upTo length: Int) -> NextFrame {
        guard !resetSubmitted else { return .none }
        let count = min(outboundBytes, length)
        if outboundBytes == count && localEnded {
            let trailers = pendingTrailers
            pendingTrailers = nil
            return .data(count: count, end: true, trailers: trailers)
        }
        if count == 0 {
            providerDeferred = true
            return .deferred
        }
        return .data(count: count, end: false, trailers: nil)
    }

    /// Writes the payload of a DATA frame of `length` queued bytes to `transport`. Returns nil if
    /// the stream cannot (reset, or less queued), else whether it just became writable again.
    func sendQueued(_ length: Int, to transport: any ByteStream, lowWaterMark: Int, connectionFull: Bool) -> Bool? {
        guard !resetSubmitted, outboundBytes >= length else { return nil }
        outbound.send(length, to: transport, referenceThreshold: 4096)
        outboundBytes -= length
        return connectionFull ? false : becomeWritable(lowWaterMark: lowWaterMark)
    }

    /// Turns writable again if it is not and its queue is at most `lowWaterMark`; true if it did.
    func becomeWritable(lowWaterMark: Int) -> Bool {
        guard !isWritable, !closed, outboundBytes <= lowWaterMark else { return false }
        isWritable = true
        return true
    }

    /// Marks the stream reset and drops its queue. Returns the bytes dropped, nil if it was already
    /// reset, or is closed.
    func beginReset() -> Int? {
        guard !closed, !resetSubmitted else { return nil }
        resetSubmitted = true
        let dropped = outboundBytes
        outbound.removeAll()
        outboundBytes = 0
        return dropped
    }

    /// Drops what is still queued (the stream closed); returns the bytes dropped.
    func dropQueue() -> Int {
        let dropped = outboundBytes
        outbound.removeAll()
        outboundBytes = 0
        return dropped
    }

    /// Marks the stream closed; returns its delegate, which it lets go (the delegate hears the close last).
    func markClosed() -> (any H2StreamDelegate)? {
        closed = true
        let delegate = self.delegate
        self.delegate = nil
        return delegate
    }

    // MARK: - Inbound state (session side)

    /// A request's first header block began arriving at `now`.
    func headStarted(at now: UInt64) { headStartedAt = now }

    /// A header block begins: forget the previous one.
    func beginHeaderBlock() {
        // One allocation for a typical block instead of one per doubling.
        headerBlock.removeAll(keepingCapacity: true)
        headerBlock.reserveCapacity(12)
        headerBlockBytes = 0
        headerBlockTooLarge = false
    }

    /// Adds a field of `size` bytes (name + value + 32) unless the block passed `limit`; `field`
    /// makes it only when kept. Returns false once the block is too large.
    func addHeader(size: Int, limit: Int, _ field: (_ slot: Int) -> H2Header) -> Bool {
        if headerBlockTooLarge { return false }
        headerBlockBytes += size
        if headerBlockBytes > limit {
            headerBlockTooLarge = true
            headerBlock.removeAll()
            return false
        }
        headerBlock.append(field(headerBlock.count))
        return true
    }

    /// The complete header block.
    func takeHeaderBlock() -> [H2Header] {
        let fields = headerBlock
        headerBlock = []
        return fields
    }

    /// A server stream's request head is complete and goes to its handler.
    func markHandedOver() {
        handedOver = true
        headStartedAt = 0
    }

    /// A client stream's (final) response head arrived.
    func markReceivedHead() { receivedHead = true }
}
