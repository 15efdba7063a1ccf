import CNGHTTP2
import EventIO

/// The nghttp2 session of one connection: every nghttp2 call, the streams by id, and the decisions
/// that need them. Its parts with one job each: `InboundEvents` (what a parse reported, delivered
/// after it), `HeaderBlockEncoder` (headers to `nghttp2_nv`), `Liveness` (timestamps, PINGs and
/// what the periodic check asks for). `close(_:)` alone decides how the connection ends.
/// Loop thread only; not Sendable.
final class NGHTTP2Session {
    /// open → goingAway (graceful shutdown: GOAWAY sent, streams in flight finish) → closing
    /// (the byte stream closes once what is queued is sent) → closed (the byte stream is closed).
    enum State { case open, goingAway, closing, closed }

    /// Why the connection ends; see `close(_:)`.
    enum CloseCause {
        /// GOAWAY with this code, send what is queued, close. The error is what streams and the delegate hear.
        case terminate(H2ErrorCode, H2Error?)
        /// As `terminate`, with debug data in the GOAWAY (e.g. gRPC's `too_many_pings`).
        case goAway(H2ErrorCode, debugData: String, H2Error?)
        /// Graceful shutdown: the final GOAWAY went out and the last stream is done.
        case shutdownComplete
        /// GOAWAY was exchanged and nghttp2 wants neither to read nor to write.
        case exchangeComplete
        /// nghttp2 could not produce output: close the socket now.
        case outputFailed(H2Error)
        /// The byte stream closed: fail what is open, delete the session, tell the delegate.
        case transportClosed(IOError?)
    }

    let role: H2Connection.Role
    /// The byte stream the session reads from and writes to (TCP, TLS, a Unix socket).
    let transport: any ByteStream
    let loop: EventLoop
    let configuration: H2Configuration
    // `@exclusivity(unchecked)`: this state is touched only on the loop thread, and the runtime's
    // dynamic exclusivity check of a class property (swift_beginAccess, about 190 instructions)
    // ran about 35 times per gRPC call on the server, 11 % of its instructions.
    @exclusivity(unchecked) private(set) var ng: OpaquePointer?
    /// Strong until teardown: the session keeps its facade alive while the connection lives.
    var connection: H2Connection?
    var delegate: (any H2ConnectionDelegate)?
    let streamHandler: ((H2Stream, H2Headers) -> any H2StreamDelegate)?

    @exclusivity(unchecked) var streams: [Int32: H2Stream] = [:]
    /// The stream looked up last: callbacks come in runs for one stream, and hashing an id per
    /// header and per DATA chunk is measurable.
    @exclusivity(unchecked) var lastStream: H2Stream?
    @exclusivity(unchecked) private(set) var state = State.open
    private var closeError: H2Error?
    private var finalGoAwaySubmitted = false

    @exclusivity(unchecked) var inbound = InboundEvents()
    @exclusivity(unchecked) var becameWritable: [H2Stream] = []
    /// Long header strings of recent blocks, by position: a connection's requests (or responses)
    /// repeat their `:path`, `user-agent` and the like, and reusing the string saves a malloc each.
    @exclusivity(unchecked) var recentHeaderStrings = RecentHeaderStrings()
    @exclusivity(unchecked) var encoder = HeaderBlockEncoder()
    @exclusivity(unchecked) var liveness: Liveness
    @exclusivity(unchecked) private var flushScheduled = false
    @exclusivity(unchecked) private var inFlush = false
    var tickTimer: LoopTimer?
    private var forceCloseTimer: LoopTimer?

    /// Header blocks that passed SETTINGS_MAX_HEADER_LIST_SIZE on this connection (each reset its stream).
    var oversizedHeaderBlocks = 0
    /// After this many, the connection gets GOAWAY ENHANCE_YOUR_CALM.
    static let oversizedHeaderBlockLimit = 8

    /// Frame boundaries of the input, for the checks that run before nghttp2 parses a frame.
    @exclusivity(unchecked) var framer: InputFramer
    /// Allowance of frames that do not move anything forward.
    @exclusivity(unchecked) var frameBudget: FrameBudget
    /// The peer's PINGs against gRPC's keepalive enforcement (server; nil: not enforced).
    @exclusivity(unchecked) var pingPolicy: PingPolicy?
    /// Peer-opened streams that closed recently, and how.
    @exclusivity(unchecked) var closedStreams = ClosedStreams()
    /// Streams whose RST_STREAM from the peer was seen in the input but not yet parsed by nghttp2.
    @exclusivity(unchecked) var unfedResets: [Int32] = []
    /// The stream of the peer's RST_STREAM (or our own) that nghttp2 parsed (sent) last.
    @exclusivity(unchecked) var peerResetStream: Int32 = 0
    @exclusivity(unchecked) var localResetStream: Int32 = 0
    /// Streams the peer opened that nghttp2 has not closed yet (server), refused ones included.
    @exclusivity(unchecked) var openPeerStreams = 0
    /// The SETTINGS frame we send first still has to get its advertised stream limit (server).
    @exclusivity(unchecked) var settingsToRewrite: Bool

    /// Bytes queued on all streams that nghttp2 has not taken yet.
    @exclusivity(unchecked) var queuedStreamBytes = 0
    /// The streams together passed `connectionWriteHighWaterMark`: none is writable until they are back under half.
    @exclusivity(unchecked) var connectionOutputFull = false
    /// The output budget shared by all connections of a server (nil: none, e.g. a client).
    let serverBudget: ServerOutputBudget?
    /// Bytes this connection has charged to `serverBudget` (its queue rounded up to steps).
    @exclusivity(unchecked) var serverCharged = 0
    /// The server budget holds this connection's writers (see `chargeServerBudget`).
    @exclusivity(unchecked) var serverOutputFull = false
    /// A wake-up for when the server drains is registered with `serverBudget`.
    @exclusivity(unchecked) var serverDrainAwaited = false

    /// Test hook: when set, the next trailer submit reports this nghttp2 error instead of submitting.
    var trailerSubmitFault: Int32?

    init(
        role: H2Connection.Role, transport: any ByteStream, configuration: H2Configuration,
        streamHandler: ((H2Stream, H2Headers) -> any H2StreamDelegate)?, serverBudget: ServerOutputBudget? = nil
    ) {
        self.serverBudget = serverBudget
        self.role = role
        self.transport = transport
        self.loop = transport.loop
        self.configuration = configuration
        self.streamHandler = streamHandler
        let now = transport.loop.monotonicNanoseconds()
        liveness = Liveness(configuration: configuration, now: now)
        framer = InputFramer(prefaceLength: role == .server ? 24 : 0)
        frameBudget = FrameBudget(
            limit: configuration.maxUnproductiveFrames, window: configuration.unproductiveFrameWindow, now: now)
        settingsToRewrite = role == .server
        if role == .server, let interval = configuration.minPeerPingInterval {
            pingPolicy = PingPolicy(
                minInterval: interval, permitWithoutStreams: configuration.permitPingsWithoutStreams)
        }
    }

    deinit {
        if let ng { nghttp2_session_del(ng) }
    }

    // MARK: - Start and close

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
        let result =
            role == .server
            ? nghttp2_session_server_new2(&session, SessionCallbacks.table, user, option)
            : nghttp2_session_client_new2(&session, SessionCallbacks.table, user, option)
        nghttp2_option_del(option)
        precondition(result == 0, "nghttp2 session creation failed: \(result)")
        ng = session

        // A server tells nghttp2 "no limit" and the peer the configured one (written into the
        // SETTINGS frame as it leaves, see `advertiseStreamLimit`): nghttp2 1.52 answers a stream
        // over its own limit with a connection error once the SETTINGS is acknowledged, where
        // RFC 9113 §5.1.2 wants a stream error; `headerBlockBegins` refuses the stream instead.
        let streamLimit = role == .server ? Self.unlimitedStreamsMarker : configuration.maxConcurrentStreams
        var settings: [nghttp2_settings_entry] = [
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue), value: streamLimit),
            .init(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: configuration.initialWindowSize),
            .init(settings_id: Int32(NGHTTP2_SETTINGS_MAX_FRAME_SIZE.rawValue), value: configuration.maxFrameSize),
            .init(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: configuration.maxHeaderListSize),
        ]
        if role == .client {
            settings.append(.init(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
        }
        var failure = nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), settings, settings.count)
        if failure == 0 && configuration.connectionWindowSize > 65_535 {
            failure = nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(clamping: configuration.connectionWindowSize))
        }
        transport.start(delegate: self)
        if failure != 0 {
            close(.terminate(.internalError, .protocolViolation("SETTINGS: \(Self.describe(failure))")))
            return
        }
        scheduleTick()
        scheduleFlush()
    }

    /// The one place that decides how the connection ends.
    func close(_ cause: CloseCause) {
        guard state != .closed else { return }
        switch cause {
        case .transportClosed(let socketError):
            teardown(error: closeError ?? socketError.map { .connectionClosed($0.description) })
            return
        case .outputFailed(let error):
            if closeError == nil { closeError = error }
            transport.close()
            return
        case .terminate(let code, let error):
            guard state != .closing else { return }
            if closeError == nil { closeError = error }
            guard let ng, nghttp2_session_terminate_session(ng, code.rawValue) == 0 else {
                transport.close()
                return
            }
        case .goAway(let code, let debugData, let error):
            guard state != .closing else { return }
            if closeError == nil { closeError = error }
            let debug = Array(debugData.utf8)
            guard let ng,
                nghttp2_submit_goaway(
                    ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(ng), code.rawValue,
                    debug, debug.count) == 0
            else {
                transport.close()
                return
            }
        case .shutdownComplete:
            guard state == .goingAway, finalGoAwaySubmitted, streams.isEmpty else { return }
        case .exchangeComplete:
            guard state != .closing else { return }
        }
        // Send what is queued (the GOAWAY last), then close the byte stream.
        state = .closing
        flushNow()
        guard state != .closed else { return }
        transport.closeAfterFlush()
        if transport.isOpen && forceCloseTimer == nil {
            // A peer that stops reading must not keep the connection forever.
            // Strong captures here and below: the session already lives until teardown (it and its
            // connection hold each other), teardown cancels its timers and pings, and a weak
            // reference would give the session a side table, which puts every retain and release of
            // it (one per nghttp2 callback) on the runtime's slow path.
            forceCloseTimer = loop.schedule(after: .seconds(2)) { self.transport.close() }
        }
    }

    private func teardown(error: H2Error?) {
        state = .closed
        tickTimer?.cancel()
        forceCloseTimer?.cancel()
        let streamError = error ?? .connectionClosed("connection closed with the stream open")
        let open = streams
        streams.removeAll()
        lastStream = nil
        queuedStreamBytes = 0
        creditServerBudget()
        for (_, stream) in open.sorted(by: { $0.key < $1.key }) {
            // Queued output goes now, not when the last holder of the stream lets go of it.
            _ = stream.dropQueue()
            stream.markClosed()?.stream(stream, didClose: streamError)
        }
        for completion in liveness.abandonPings() { completion(nil) }
        if let ng {
            nghttp2_session_del(ng)
            self.ng = nil
        }
        let delegate = self.delegate
        self.delegate = nil
        let connection = self.connection
        self.connection = nil
        if let connection { delegate?.connection(connection, didClose: error) }
        if configuration.releaseMemoryAfterClose {
            MemoryRelease.afterConnectionClose(now: loop.monotonicNanoseconds())
        }
    }

    var isUsable: Bool {
        guard state == .open, let ng else { return false }
        return role == .server || nghttp2_session_check_request_allowed(ng) != 0
    }

    /// GOAWAY, streams in flight finish within `timeout` (nil: however long they take).
    func shutdownGracefully(timeout: Duration?) {
        if state == .goingAway { liveness.shutdownStarted(at: loop.monotonicNanoseconds(), timeout: timeout) }
        guard state == .open, let ng else { return }
        state = .goingAway
        liveness.shutdownStarted(at: loop.monotonicNanoseconds(), timeout: timeout)
        if role == .server {
            // Notice first (last id 2^31-1), then, one round trip later, the real last id.
            guard nghttp2_submit_shutdown_notice(ng) == 0 else {
                close(.terminate(.noError, nil))
                return
            }
            ping { _ in
                guard self.state == .goingAway, let ng = self.ng else { return }
                self.submitFinalGoAway(
                    nghttp2_submit_goaway(
                        ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), nghttp2_session_get_last_proc_stream_id(ng),
                        H2ErrorCode.noError.rawValue, nil, 0))
            }
        } else {
            submitFinalGoAway(
                nghttp2_submit_goaway(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, H2ErrorCode.noError.rawValue, nil, 0))
        }
        scheduleFlush()
        scheduleTick()
    }

    private func submitFinalGoAway(_ result: Int32) {
        guard result == 0 else {
            close(.terminate(.noError, nil))
            return
        }
        finalGoAwaySubmitted = true
        scheduleFlush()
        close(.shutdownComplete)
    }

    @inline(__always)
    func stream(_ id: Int32) -> H2Stream? {
        if let last = lastStream, last.id == id { return last }
        let found = streams[id]
        if found != nil { lastStream = found }
        return found
    }

    // MARK: - Output

    func scheduleFlush() {
        guard !flushScheduled, state != .closed else { return }
        flushScheduled = true
        loop.runAtEndOfTurn(self)
    }

    /// Pulls frames from nghttp2 into the byte stream's queue while it takes them.
    func flushNow() {
        guard let ng, state != .closed, !inFlush else { return }
        inFlush = true
        var failure = 0
        while transport.isWritable {
            var pointer: UnsafePointer<UInt8>?
            let count = nghttp2_session_mem_send(ng, &pointer)
            if count <= 0 {
                failure = count
                break
            }
            let frames = UnsafeBufferPointer(start: pointer, count: count)
            if settingsToRewrite {
                settingsToRewrite = false
                transport.write(advertiseStreamLimit(in: Array(frames)).span)
            } else {
                transport.write(frames.span)
            }
        }
        inFlush = false
        if failure < 0 {
            close(.outputFailed(.protocolViolation(Self.describe(Int32(failure)))))
            return
        }
        if !inbound.isEmpty {
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
            close(.exchangeComplete)
        }
    }

    /// True while frames wait in nghttp2 or bytes in the byte stream's queue: output of this loop
    /// turn that has not reached the kernel.
    var hasPendingOutput: Bool {
        guard let ng, state != .closed else { return false }
        return nghttp2_session_want_write(ng) != 0 || transport.pendingWriteBytes > 0
    }

    static func describe(_ code: Int32) -> String { String(cString: nghttp2_strerror(code)) }
}

extension NGHTTP2Session: ByteStreamDelegate {
    func byteStreamDidRead(_ bytes: Span<UInt8>) { receive(bytes) }

    func byteStreamWritabilityChanged() {
        if transport.isWritable { scheduleFlush() }
    }

    func byteStreamClosed(error: IOError?) { close(.transportClosed(error)) }
}

extension NGHTTP2Session: EndOfTurnHandler {
    func endOfTurn() {
        flushScheduled = false
        flushNow()
    }
}

extension NGHTTP2Session {
    /// The MAX_CONCURRENT_STREAMS a server gives nghttp2 (its own default, "no limit").
    static let unlimitedStreamsMarker = UInt32.max

    /// `bytes` (the first output of a server session, which begins with its SETTINGS frame) with
    /// the SETTINGS_MAX_CONCURRENT_STREAMS entry set to the configured limit.
    func advertiseStreamLimit(in bytes: [UInt8]) -> [UInt8] {
        var bytes = bytes
        guard bytes.count >= 9, bytes[3] == InputFramer.settings, bytes[4] & InputFramer.ackFlag == 0 else {
            return bytes
        }
        let length = Int(bytes[0]) << 16 | Int(bytes[1]) << 8 | Int(bytes[2])
        var offset = 9
        while offset + 6 <= min(9 + length, bytes.count) {
            if bytes[offset] == 0 && bytes[offset + 1] == UInt8(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue) {
                let limit = configuration.maxConcurrentStreams
                bytes[offset + 2] = UInt8(limit >> 24 & 0xFF)
                bytes[offset + 3] = UInt8(limit >> 16 & 0xFF)
                bytes[offset + 4] = UInt8(limit >> 8 & 0xFF)
                bytes[offset + 5] = UInt8(limit & 0xFF)
            }
            offset += 6
        }
        return bytes
    }
}
