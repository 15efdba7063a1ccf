import CNGHTTP2
import EventIO

/// The nghttp2 session of one connection and everything that touches it: callbacks, the data
/// provider, submitting frames, feeding input and pulling output. Loop thread only; not Sendable.
final class NGHTTP2Session {
    enum State { case open, goingAway, closed }

    let role: H2Connection.Role
    let tcp: TCPConnection
    let loop: EventLoop
    let configuration: H2Configuration
    var ng: OpaquePointer?
    /// Strong until teardown: the session keeps its facade alive while the connection lives.
    var connection: H2Connection?
    var delegate: (any H2ConnectionDelegate)?
    let streamHandler: ((H2Stream, H2Headers) -> any H2StreamDelegate)?

    var streams: [Int32: H2Stream] = [:]
    /// The stream looked up last: callbacks come in runs for one stream, and hashing an id per
    /// header and per DATA chunk is measurable.
    var lastStream: H2Stream?
    var state = State.open
    var closeError: H2Error?

    // Event recording during mem_recv.
    var events: [SessionEvent] = []
    var eventsSpare: [SessionEvent] = []
    var spill: [UInt8] = []
    var inputBase: UnsafeRawPointer?
    var inputCount = 0
    var becameWritable: [H2Stream] = []
    /// Long header strings of recent blocks, by position: a connection's requests (or responses)
    /// repeat their `:path`, `user-agent` and the like, and reusing the string saves a malloc each.
    var recentHeaderStrings = RecentHeaderStrings()

    // Output.
    var flushScheduled = false
    var inFlush = false

    // Header submission scratch (reused: no allocation per submit once warm).
    var nvBytes: [UInt8] = []
    var nvArray: UnsafeMutablePointer<nghttp2_nv>
    var nvCapacity = 16
    var nvCache = NVBlockCache()

    // Timers and liveness.
    var tickTimer: LoopTimer?
    var forceCloseTimer: LoopTimer?
    var startedAt: UInt64 = 0
    var lastReadAt: UInt64 = 0
    var lastActiveAt: UInt64 = 0
    var peerSettingsReceived = false
    var pings: [UInt64: (sentAt: UInt64, completion: (Duration?) -> Void)] = [:]
    var nextPingID: UInt64 = 1
    var keepAlivePingID: UInt64 = 0
    var shutdownDeadline: UInt64 = 0
    var finalGoAwaySubmitted = false

    init(role: H2Connection.Role, tcp: TCPConnection, configuration: H2Configuration,
         streamHandler: ((H2Stream, H2Headers) -> any H2StreamDelegate)?) {
        self.role = role
        self.tcp = tcp
        self.loop = tcp.loop
        self.configuration = configuration
        self.streamHandler = streamHandler
        nvArray = .allocate(capacity: nvCapacity)
    }

    deinit {
        if let ng { nghttp2_session_del(ng) }
        nvArray.deallocate()
    }

    // MARK: - Start and stop

    func start() {
        loop.preconditionInEventLoop()
        var option: OpaquePointer?
        nghttp2_option_new(&option)
        nghttp2_option_set_no_auto_window_update(option, 1)
        nghttp2_option_set_no_closed_streams(option, 1)
        nghttp2_option_set_max_send_header_block_length(option, 1 << 20)
        // Peers may end header values with a space (gRPC messages do); do not drop such fields.
        nghttp2_option_set_no_rfc9113_leading_and_trailing_ws_validation(option, 1)
        let user = Unmanaged.passUnretained(self).toOpaque()
        var session: OpaquePointer?
        let result = role == .server
            ? nghttp2_session_server_new2(&session, SessionCallbacks.table, user, option)
            : nghttp2_session_client_new2(&session, SessionCallbacks.table, user, option)
        nghttp2_option_del(option)
        precondition(result == 0, "nghttp2 session creation failed: \(result)")
        ng = session

        var settings: [nghttp2_settings_entry] = [
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: configuration.maxConcurrentStreams),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue), value: configuration.initialWindowSize),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: configuration.maxFrameSize),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue), value: configuration.maxHeaderListSize),
        ]
        if role == .client {
            settings.append(.init(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
        }
        nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), settings, settings.count)
        if configuration.connectionWindowSize > 65_535 {
            nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: configuration.connectionWindowSize))
        }
        let now = loop.monotonicNanoseconds()
        startedAt = now
        lastReadAt = now
        lastActiveAt = now
        tcp.start(delegate: self)
        scheduleTick()
        scheduleFlush()
    }

    /// GOAWAY with `code`, flush, close. `error` is what open streams and the delegate hear.
    func terminate(_ code: H2ErrorCode, error: H2Error?) {
        guard state != .closed, let ng else { return }
        if closeError == nil { closeError = error }
        nghttp2_session_terminate_session(ng, code.rawValue)
        closeAfterFlush()
    }

    private func closeAfterFlush() {
        guard state != .closed else { return }
        state = .goingAway
        flushNow()
        guard state != .closed else { return }
        tcp.closeAfterFlush()
        if tcp.isOpen && forceCloseTimer == nil {
            // A peer that stops reading must not keep the connection forever.
            // Strong captures here and below: the session already lives until teardown (it and its
            // connection hold each other), teardown cancels its timers and pings, and a weak
            // reference would give the session a side table, which puts every retain and release of
            // it (one per nghttp2 callback) on the runtime's slow path.
            forceCloseTimer = loop.schedule(after: .seconds(2)) { self.tcp.close() }
        }
    }

    /// The socket closed: fail what is open, delete the session, tell the delegate.
    private func teardown(socketError: IOError?) {
        guard state != .closed else { return }
        state = .closed
        tickTimer?.cancel()
        forceCloseTimer?.cancel()
        let error: H2Error? = closeError ?? socketError.map { .connectionClosed($0.description) }
        let streamError = error ?? .connectionClosed("connection closed with the stream open")
        let open = streams
        streams.removeAll()
        lastStream = nil
        for (_, stream) in open.sorted(by: { $0.key < $1.key }) {
            stream.closed = true
            let delegate = stream.delegate
            stream.delegate = nil
            delegate?.stream(stream, didClose: streamError)
        }
        let waiting = pings
        pings.removeAll()
        for (_, ping) in waiting { ping.completion(nil) }
        if let ng {
            nghttp2_session_del(ng)
            self.ng = nil
        }
        let delegate = self.delegate
        self.delegate = nil
        let connection = self.connection
        self.connection = nil
        if let connection { delegate?.connection(connection, didClose: error) }
    }

    var isUsable: Bool {
        guard state == .open, let ng else { return false }
        return role == .server || nghttp2_session_check_request_allowed(ng) != 0
    }

    func shutdownGracefully() {
        guard state == .open, let ng else { return }
        state = .goingAway
        shutdownDeadline = loop.monotonicNanoseconds() &+ nanoseconds(configuration.gracefulShutdownTimeout)
        if role == .server {
            // Notice first (last id 2^31-1), then, one round trip later, the real last id.
            nghttp2_submit_shutdown_notice(ng)
            ping { _ in
                guard self.state == .goingAway, let ng = self.ng else { return }
                nghttp2_submit_goaway(
                    ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(ng),
                    H2ErrorCode.noError.rawValue, nil, 0)
                self.finalGoAwaySubmitted = true
                self.scheduleFlush()
                self.closeIfDone()
            }
        } else {
            nghttp2_submit_goaway(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, H2ErrorCode.noError.rawValue, nil, 0)
            finalGoAwaySubmitted = true
        }
        closeIfDone()
        scheduleFlush()
        scheduleTick()
    }

    /// In graceful shutdown, closes once the last stream is done.
    private func closeIfDone() {
        guard state == .goingAway, finalGoAwaySubmitted, streams.isEmpty else { return }
        closeAfterFlush()
    }

    @inline(__always)
    func stream(_ id: Int32) -> H2Stream? {
        if let last = lastStream, last.id == id { return last }
        let found = streams[id]
        if found != nil { lastStream = found }
        return found
    }

    // MARK: - Input

    func receive(_ bytes: Span<UInt8>) {
        guard state != .closed, let ng else { return }
        lastReadAt = loop.monotonicNanoseconds()
        let consumed: Int = bytes.withUnsafeBytes { raw in
            inputBase = UnsafeRawPointer(raw.baseAddress)
            inputCount = raw.count
            defer { inputBase = nil; inputCount = 0 }
            return nghttp2_session_mem_recv(ng, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        if consumed < 0 {
            fail(libraryError: Int32(consumed))
            return
        }
        bytes.withUnsafeBytes { raw in deliverEvents(input: raw) }
        scheduleFlush()
    }

    /// nghttp2 refused the input as a whole (bad preface, flood, …): GOAWAY and close.
    private func fail(libraryError: Int32) {
        let text = String(cString: nghttp2_strerror(libraryError))
        events.removeAll(keepingCapacity: true)
        spill.removeAll(keepingCapacity: true)
        let code: H2ErrorCode = libraryError == NGHTTP2_ERR_FLOODED.rawValue ? .enhanceYourCalm : .protocolError
        terminate(code, error: .protocolViolation(text))
    }

    private func deliverEvents(input: UnsafeRawBufferPointer) {
        swap(&events, &eventsSpare)
        defer {
            eventsSpare.removeAll(keepingCapacity: true)
            spill.removeAll(keepingCapacity: true)
        }
        for event in eventsSpare {
            if state == .closed { return }
            switch event {
            case .headers(let id, let fields, let endStream, let tooLarge):
                guard let stream = stream(id) else { continue }
                deliverHeaders(stream, H2Headers(fields), endStream: endStream, tooLarge: tooLarge)
            case .data(let id, let offset, let count, let spilled):
                guard let stream = stream(id), let delegate = stream.delegate else { continue }
                if spilled {
                    spill.withUnsafeBufferPointer { all in
                        let part = UnsafeBufferPointer(rebasing: all[offset..<offset + count])
                        delegate.stream(stream, didReceiveData: part.span)
                    }
                } else {
                    let part = UnsafeBufferPointer(
                        start: (input.baseAddress! + offset).assumingMemoryBound(to: UInt8.self), count: count)
                    delegate.stream(stream, didReceiveData: part.span)
                }
            case .end(let id):
                guard let stream = stream(id) else { continue }
                stream.delegate?.stream(stream, didReceiveEnd: nil)
            case .closed(let id, let code):
                guard let stream = streams.removeValue(forKey: id) else { continue }
                if lastStream === stream { lastStream = nil }
                stream.closed = true
                let delegate = stream.delegate
                stream.delegate = nil
                delegate?.stream(stream, didClose: code == 0 ? nil : .streamReset(H2ErrorCode(rawValue: code)))
                if streams.isEmpty {
                    lastActiveAt = loop.monotonicNanoseconds()
                    closeIfDone()
                }
            case .goAway(let code, let last):
                if let connection {
                    delegate?.connection(connection, didReceiveGoAway: H2ErrorCode(rawValue: code), lastStreamID: last)
                }
            case .pingAck(let id):
                guard let ping = pings.removeValue(forKey: id) else { continue }
                let rtt = loop.monotonicNanoseconds() &- ping.sentAt
                ping.completion(.nanoseconds(Int64(clamping: rtt)))
            }
        }
    }

    private func deliverHeaders(_ stream: H2Stream, _ headers: H2Headers, endStream: Bool, tooLarge: Bool) {
        if role == .server && !stream.handedOver {
            stream.handedOver = true
            stream.headStartedAt = 0
            if tooLarge {
                // RFC 6585: 431 Request Header Fields Too Large; the body, if any, is reset after it.
                sendHeaders(stream, [(":status", "431"), ("content-length", "0")], endStream: true)
                return
            }
            guard let streamHandler else {
                reset(stream, code: .refusedStream)
                return
            }
            stream.delegate = streamHandler(stream, headers)
            if endStream && !stream.closed { stream.delegate?.stream(stream, didReceiveEnd: nil) }
            return
        }
        if tooLarge {
            reset(stream, code: .protocolError)
            return
        }
        if role == .client && !stream.receivedHead {
            if let status = headers.status, (100..<200).contains(status) { return }
            stream.receivedHead = true
            stream.delegate?.stream(stream, didReceiveHead: headers)
            if endStream && !stream.closed { stream.delegate?.stream(stream, didReceiveEnd: nil) }
            return
        }
        // A later block: trailers.
        stream.delegate?.stream(stream, didReceiveEnd: headers)
    }

    // MARK: - Output

    func scheduleFlush() {
        guard !flushScheduled, state != .closed else { return }
        flushScheduled = true
        loop.runAtEndOfTurn(self)
    }

    /// Pulls frames from nghttp2 into the socket's queue while the socket takes them.
    func flushNow() {
        guard let ng, state != .closed, !inFlush else { return }
        inFlush = true
        var failure = 0
        while tcp.isWritable {
            var pointer: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(ng, &pointer)
            if count < 0 {
                failure = count
                break
            }
            if count == 0 { break }
            tcp.write(UnsafeBufferPointer(start: pointer, count: count).span)
        }
        inFlush = false
        if failure < 0 {
            closeError = closeError ?? .protocolViolation(String(cString: nghttp2_strerror(Int32(failure))))
            tcp.close()
            return
        }
        if !events.isEmpty {
            // Streams closed while sending (a local reset, the last frame of a stream).
            deliverEvents(input: UnsafeRawBufferPointer(start: nil, count: 0))
            if state == .closed { return }
        }
        if !becameWritable.isEmpty {
            let streams = becameWritable
            becameWritable.removeAll(keepingCapacity: true)
            for stream in streams where !stream.closed { stream.delegate?.streamWritabilityChanged(stream) }
        }
        if nghttp2_session_want_read(ng) == 0 && nghttp2_session_want_write(ng) == 0 && state != .closed {
            // GOAWAY exchanged and nothing left: done once the socket drained.
            state = .goingAway
            tcp.closeAfterFlush()
        }
    }

    // MARK: - Streams

    func openStream(_ head: H2Headers, endStream: Bool, delegate: any H2StreamDelegate) throws(H2Error) -> H2Stream {
        loop.preconditionInEventLoop()
        guard isUsable, let ng, let connection else { throw .connectionNotUsable }
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: SessionCallbacks.readData)
        let id: Int32 = withNV(head) { nva, count in
            endStream
                ? nghttp2_submit_request(ng, nil, nva, count, nil, nil)
                : nghttp2_submit_request(ng, nil, nva, count, &provider, nil)
        }
        guard id > 0 else { throw .protocolViolation(String(cString: nghttp2_strerror(id))) }
        let stream = H2Stream(id: id, connection: connection)
        stream.delegate = delegate
        stream.headersSubmitted = true
        stream.providerAttached = !endStream
        stream.localEnded = endStream
        stream.handedOver = true
        streams[id] = stream
        scheduleFlush()
        return stream
    }

    func sendHeaders(_ stream: H2Stream, _ head: H2Headers, endStream: Bool) {
        guard !stream.closed, !stream.headersSubmitted, let ng else { return }
        stream.headersSubmitted = true
        if endStream { stream.localEnded = true }
        let withoutBody = stream.localEnded && stream.outboundBytes == 0 && stream.pendingTrailers == nil
        var provider = nghttp2_data_provider(source: nghttp2_data_source(ptr: nil), read_callback: SessionCallbacks.readData)
        let result: Int32 = withNV(head) { nva, count in
            withoutBody
                ? nghttp2_submit_response(ng, stream.id, nva, count, nil)
                : nghttp2_submit_response(ng, stream.id, nva, count, &provider)
        }
        if result != 0 {
            reset(stream, code: .internalError)
            return
        }
        stream.providerAttached = !withoutBody
        scheduleFlush()
    }

    func sendData(_ stream: H2Stream, _ bytes: [UInt8], endStream: Bool) {
        guard !stream.closed, !stream.localEnded else { return }
        if !bytes.isEmpty {
            stream.outbound.append(bytes)
            stream.outboundBytes += bytes.count
            if stream.outboundBytes > configuration.streamWriteHighWaterMark { stream.isWritable = false }
        }
        if endStream { stream.localEnded = true }
        resumeIfDeferred(stream)
    }

    func sendTrailers(_ stream: H2Stream, _ trailers: H2Headers) {
        guard !stream.closed, !stream.localEnded else { return }
        stream.pendingTrailers = trailers
        stream.localEnded = true
        resumeIfDeferred(stream)
    }

    private func resumeIfDeferred(_ stream: H2Stream) {
        if stream.providerAttached && stream.providerDeferred, let ng {
            stream.providerDeferred = false
            nghttp2_session_resume_data(ng, stream.id)
        }
        scheduleFlush()
    }

    func reset(_ stream: H2Stream, code: H2ErrorCode) {
        guard !stream.closed, !stream.resetSubmitted, let ng else { return }
        stream.resetSubmitted = true
        stream.outbound.removeAll()
        stream.outboundBytes = 0
        nghttp2_submit_rst_stream(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, code.rawValue)
        scheduleFlush()
    }

    func consume(_ stream: H2Stream, _ count: Int) {
        guard !stream.closed, let ng else { return }
        nghttp2_session_consume_stream(ng, stream.id, count)
        scheduleFlush()
    }

    /// Calls `body` with `headers` as an `nghttp2_nv` array (nghttp2 copies them during the submit).
    func withNVPublic<R>(_ headers: H2Headers, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R { withNV(headers, body) }

    private func withNV<R>(_ headers: H2Headers, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        if let cached = nvCache.lookup(headers.fields) { return body(cached, headers.count) }
        if headers.count > nvCapacity {
            nvArray.deallocate()
            nvCapacity = headers.count * 2
            nvArray = .allocate(capacity: nvCapacity)
        }
        nvBytes.removeAll(keepingCapacity: true)
        for field in headers {
            nvBytes.append(contentsOf: field.name.utf8)
            nvBytes.append(contentsOf: field.value.utf8)
        }
        return nvBytes.withUnsafeMutableBufferPointer { buffer in
            var position = 0
            guard let base = buffer.baseAddress else { return body(nvArray, 0) }
            for (index, field) in headers.enumerated() {
                let nameLength = field.name.utf8.count
                let valueLength = field.value.utf8.count
                nvArray[index] = nghttp2_nv(
                    name: base + position, value: base + position + nameLength,
                    namelen: nameLength, valuelen: valueLength, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
                position += nameLength + valueLength
            }
            return body(nvArray, headers.count)
        }
    }

    // MARK: - PING and timers

    func ping(_ completion: @escaping (Duration?) -> Void) {
        guard state != .closed, let ng else {
            completion(nil)
            return
        }
        let id = nextPingID
        nextPingID &+= 1
        var opaque = id
        withUnsafeBytes(of: &opaque) { raw in
            _ = nghttp2_submit_ping(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        pings[id] = (loop.monotonicNanoseconds(), completion)
        scheduleFlush()
    }

    private func scheduleTick() {
        tickTimer?.cancel()
        var period = Duration.seconds(1)
        for limit in [configuration.idleTimeout, configuration.headerReadTimeout, configuration.keepAliveInterval,
                      configuration.keepAliveInterval == nil ? nil : configuration.keepAliveTimeout] {
            if let limit, limit / 4 < period { period = limit / 4 }
        }
        if state == .goingAway { period = min(period, .milliseconds(100)) }
        period = max(period, .milliseconds(5))
        tickTimer = loop.schedule(after: period) { self.tick() }
    }

    private func tick() {
        guard state != .closed else { return }
        let now = loop.monotonicNanoseconds()
        if let limit = configuration.headerReadTimeout {
            let budget = nanoseconds(limit)
            if role == .server && !peerSettingsReceived && now &- startedAt > budget {
                terminate(.noError, error: .timedOut("client preface not received"))
                return
            }
            for (_, stream) in streams where stream.headStartedAt != 0 && now &- stream.headStartedAt > budget {
                // A head trickling in (slowloris): the connection is not worth keeping.
                terminate(.noError, error: .timedOut("request head not complete"))
                return
            }
        }
        if let limit = configuration.idleTimeout, streams.isEmpty, now &- max(lastActiveAt, lastReadAt) > nanoseconds(limit) {
            terminate(.noError, error: nil)
            return
        }
        if let interval = configuration.keepAliveInterval {
            if keepAlivePingID != 0, let ping = pings[keepAlivePingID] {
                if now &- ping.sentAt > nanoseconds(configuration.keepAliveTimeout) {
                    terminate(.noError, error: .timedOut("keepalive PING not acknowledged"))
                    return
                }
            } else if now &- lastReadAt > nanoseconds(interval) {
                keepAlivePingID = nextPingID
                ping { _ in }
            }
        }
        if state == .goingAway && shutdownDeadline != 0 && now > shutdownDeadline {
            terminate(.noError, error: .timedOut("graceful shutdown deadline"))
            return
        }
        scheduleTick()
    }

    private func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
    }
}

extension NGHTTP2Session: TCPConnectionDelegate {
    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        receive(bytes)
    }

    func connectionWritabilityChanged(_ connection: TCPConnection) {
        if connection.isWritable { scheduleFlush() }
    }

    func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        teardown(socketError: error)
    }
}

extension NGHTTP2Session: EndOfTurnHandler {
    func endOfTurn() {
        flushScheduled = false
        flushNow()
    }
}

extension NGHTTP2Session {
    /// Submits trailers (allowed from inside the data read callback).
    func submitTrailer(_ streamID: Int32, _ trailers: H2Headers, ng: OpaquePointer?) {
        _ = withNVPublic(trailers) { nva, count in nghttp2_submit_trailer(ng, streamID, nva, count) }
    }
}
