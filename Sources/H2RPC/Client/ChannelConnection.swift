import EventIO
import H2
import H2TLS

/// The channel's HTTP/2 connection(s) to one address (TCP or a Unix socket, in plaintext or TLS):
/// connected lazily, replaced after GOAWAY or loss, retried with gRPC's connection backoff (calls
/// fail fast with UNAVAILABLE while a backoff runs), and the opening of call streams on them. With
/// `connectionCount` > 1 calls are spread round-robin.
final class ChannelConnection: Sendable {
    /// What TLS a connection uses: the channel's client context and the name to verify.
    struct TLS: Sendable {
        let context: TLSClientContext
        /// The name sent as SNI and checked in the certificate (the context's override wins).
        let serverName: String
    }

    let address: ResolvedAddress
    let authority: String
    let configuration: RPCChannel.Configuration
    private let tls: TLS?

    private struct Slot {
        var loop: EventLoop
        var connection: H2Connection?
        /// Set while a connection attempt runs: its outcome, for every call waiting for it.
        var connecting: Promise<Result<H2Connection, RPCError>>?
        var backoff = ConnectionBackoff()
        var retryAfter: ContinuousClock.Instant?
        var lastError: RPCError?
    }
    private struct State {
        var slots: [Slot]
        var next = 0
        var closed = false
    }
    private let state: LockedValue<State>

    /// The request header block of the last plain call (no timeout, compression or metadata), by path.
    private let plainHeaders = LockedValue<(path: String, headers: [HeaderField])?>(nil)

    /// The loop of the first connection: tasks that prefer its executor make calls without thread hops.
    let primaryLoop: EventLoop

    /// Told when a connection attempt starts, succeeds or fails and when a connection is lost
    /// (a load balancer's subchannel); nil for none.
    private let observer: (@Sendable (SubchannelEvent) -> Void)?

    /// Connections to `address`; `authority` is the `:authority` calls carry, `tls` nil for plaintext.
    init(
        address: ResolvedAddress, authority: String, tls: TLS?, configuration: RPCChannel.Configuration,
        firstLoop: EventLoop? = nil, observer: (@Sendable (SubchannelEvent) -> Void)? = nil
    ) throws(RPCError) {
        self.address = address
        self.authority = authority
        self.tls = tls
        self.configuration = configuration
        self.observer = observer
        let group = try ClientEventLoops.shared(busyPoll: configuration.busyPoll)
        var slots: [Slot] = []
        for k in 0..<max(1, configuration.connectionCount) {
            var slot = Slot(loop: k == 0 ? firstLoop ?? group.next() : group.next())
            slot.backoff = ConnectionBackoff(
                initial: configuration.initialBackoff, maximum: configuration.maximumBackoff)
            slots.append(slot)
        }
        primaryLoop = slots[0].loop
        state = LockedValue(State(slots: slots))
    }

    // MARK: - Calls

    /// Opens the call's stream with its request headers; with `initialMessage` also sends that
    /// framed message (and ends the request side when `endStream`), all in one hop to the loop.
    /// Leaves the call alone when that fails, so that the caller can try another connection.
    func open(
        _ call: ClientCall, path: String, options: CallOptions, initialMessage: [UInt8]?, endStream: Bool
    ) async throws(RPCError) {
        let headers = requestHeaders(path: path, options: options)
        for attempt in 0..<2 {
            let (index, connection) = try await connection()
            let result: Result<Void, H2Error>
            if connection.loop.inEventLoop {
                // The caller runs on the connection's loop (its preferred executor): no hop needed.
                result = Self.openStream(on: connection, call, headers, options.timeout, initialMessage, endStream)
            } else {
                result = await connection.loop.submit {
                    Self.openStream(on: connection, call, headers, options.timeout, initialMessage, endStream)
                }
            }
            switch result {
            case .success: return
            case .failure(.connectionNotUsable) where attempt == 0:
                // GOAWAY arrived before we heard of it: forget that connection and use a new one.
                forget(connection, slot: index)
            case .failure(let error):
                throw RPCError(code: .unavailable, message: "cannot open a stream: \(error)")
            }
        }
        throw RPCError(code: .unavailable, message: "no usable connection")
    }

    /// Opens the call's stream and queues its first message. Loop thread.
    private static func openStream(
        on connection: H2Connection, _ call: ClientCall, _ headers: [HeaderField], _ timeout: Duration?,
        _ initialMessage: [UInt8]?, _ endStream: Bool
    ) -> Result<Void, H2Error> {
        let stream = ClientStream(loop: connection.loop, call: call)
        do {
            let h2 = try connection.openStream(H2Headers(headers), endStream: false, delegate: stream)
            stream.attach(io: h2, timeout: timeout)
            if let initialMessage { h2.sendData(initialMessage, endStream: endStream) }
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    private func requestHeaders(path: String, options: CallOptions) -> [HeaderField] {
        // Calls without a timeout, compression or metadata on one path send the same block: reuse it.
        let plain =
            options.timeout == nil && options.compression == .identity && options.metadata.isEmpty
            && options.previousRPCAttempts == 0
        if plain, let cached = plainHeaders.withLock({ $0?.path == path ? $0?.headers : nil }) { return cached }
        let headers = makeRequestHeaders(path: path, options: options)
        if plain { plainHeaders.withLock { $0 = (path, headers) } }
        return headers
    }

    private func makeRequestHeaders(path: String, options: CallOptions) -> [HeaderField] {
        var h: [HeaderField] = []
        h.reserveCapacity(10 + options.metadata.count)
        h.append(HeaderField(":method", "POST"))
        h.append(HeaderField(":scheme", tls == nil ? "http" : "https"))
        h.append(HeaderField(":path", path))
        h.append(HeaderField(":authority", authority))
        h.append(HeaderField("content-type", "application/grpc"))
        h.append(HeaderField("te", "trailers"))
        if let timeout = options.timeout { h.append(HeaderField("grpc-timeout", GRPCTimeout.format(timeout))) }
        if let attempts = PreviousAttemptsHeader.value(forAttempt: options.previousRPCAttempts) {
            h.append(HeaderField(PreviousAttemptsHeader.name, attempts))
        }
        if options.compression != .identity { h.append(HeaderField("grpc-encoding", options.compression.name)) }
        h.append(HeaderField("grpc-accept-encoding", CompressionAlgorithm.acceptEncodingHeader))
        h.append(HeaderField("user-agent", "grpc-swift-h2rpc/0.1"))
        options.metadata.appendHeaders(to: &h)
        return h
    }

    // MARK: - Connections

    private enum Pick {
        case ready(Int, H2Connection)
        case wait(Int, Promise<Result<H2Connection, RPCError>>, connect: EventLoop?)
        case fail(RPCError)
    }

    /// A connection for the next call: an open one, or the outcome of the attempt in progress
    /// (started here when none runs). Waiting honours task cancellation (CANCELLED); the attempt
    /// carries on for the calls that follow.
    private func connection() async throws(RPCError) -> (Int, H2Connection) {
        let pick = state.withLock { s -> Pick in
            if s.closed { return .fail(RPCError(code: .unavailable, message: "channel is closed")) }
            let i = s.next % s.slots.count
            s.next &+= 1
            if let c = s.slots[i].connection { return .ready(i, c) }
            if let attempt = s.slots[i].connecting { return .wait(i, attempt, connect: nil) }
            if let after = s.slots[i].retryAfter, ContinuousClock.now < after, let error = s.slots[i].lastError {
                return .fail(error)
            }
            let attempt = Promise<Result<H2Connection, RPCError>>()
            s.slots[i].connecting = attempt
            return .wait(i, attempt, connect: s.slots[i].loop)
        }
        switch pick {
        case .ready(let i, let c):
            return (i, c)
        case .fail(let error):
            throw error
        case .wait(let i, let attempt, let loop):
            if let loop {
                observer?(.connecting)
                Task { await self.connect(slot: i, on: loop, completing: attempt) }
            }
            let result: Result<H2Connection, RPCError>
            do {
                result = try await attempt.wait()
            } catch {
                throw RPCError(code: .cancelled, message: "cancelled while connecting to \(address)")
            }
            return (i, try result.get())
        }
    }

    private func connect(
        slot i: Int, on loop: EventLoop, completing attempt: Promise<Result<H2Connection, RPCError>>
    ) async {
        let result = await establish(slot: i, on: loop)
        let lateClose = state.withLock { s -> H2Connection? in
            s.slots[i].connecting = nil
            switch result {
            case .success(let c):
                if s.closed { return c }
                s.slots[i].connection = c
                s.slots[i].backoff.reset()
                s.slots[i].retryAfter = nil
                s.slots[i].lastError = nil
            case .failure(let error):
                s.slots[i].retryAfter = .now + s.slots[i].backoff.nextDelay()
                s.slots[i].lastError = error
            }
            return nil
        }
        lateClose?.close(.noError)
        if lateClose == nil, let observer {
            switch result {
            case .success: observer(.ready)
            case .failure(let error):
                let wait = state.withLock { s in s.slots[i].retryAfter.map { $0 - .now } } ?? .zero
                observer(.failed(error, retryIn: max(wait, .zero)))
            }
        }
        attempt.complete(
            lateClose == nil ? result : .failure(RPCError(code: .unavailable, message: "channel is closed")))
    }

    /// How far a connection attempt got, for the connect timeout's error.
    private enum ConnectStep: Sendable {
        case tcp, serverPreface, tlsAndServerPreface

        var waitingFor: String {
            switch self {
            case .tcp: "no TCP connection"
            case .serverPreface: "TCP connected, but no HTTP/2 SETTINGS from the server"
            case .tlsAndServerPreface: "TCP connected, but no TLS handshake and HTTP/2 SETTINGS from the server"
            }
        }
    }

    /// One connection attempt, ended after `configuration.connectTimeout`: a connection is usable
    /// once the server's first HTTP/2 bytes (its SETTINGS) arrived.
    private func establish(slot i: Int, on loop: EventLoop) async -> Result<H2Connection, RPCError> {
        let step = LockedValue(ConnectStep.tcp)
        let timeout = configuration.connectTimeout
        let address = self.address
        return await withTaskGroup(of: Result<H2Connection, RPCError>?.self) { group in
            group.addTask { await self.handshake(slot: i, on: loop, step: step) }
            group.addTask {
                do { try await Task.sleep(for: timeout) } catch { return nil }
                let waitingFor = step.withLock { $0.waitingFor }
                return .failure(
                    RPCError(
                        code: .unavailable,
                        message: "cannot connect to \(address): \(waitingFor) within \(timeout) (connect timeout)"))
            }
            var outcome: Result<H2Connection, RPCError>?
            for await next in group {
                guard let next else { continue }
                if outcome == nil {
                    outcome = next
                    group.cancelAll()
                } else if case .success(let late) = next {
                    late.close(.cancel)
                }
            }
            return outcome ?? .failure(RPCError(code: .unavailable, message: "cannot connect to \(address)"))
        }
    }

    /// Connects, wraps the socket (TLS if configured) and waits for the server's first bytes.
    /// Cancelled (the connect timeout passed), it closes what it opened.
    private func handshake(
        slot i: Int, on loop: EventLoop, step: LockedValue<ConnectStep>
    ) async -> Result<H2Connection, RPCError> {
        do {
            let socketAddress = try self.socketAddress()
            var h2 = H2Configuration()
            h2.keepAliveInterval = configuration.keepAliveInterval
            h2.keepAliveTimeout = configuration.keepAliveTimeout
            h2.idleTimeout = nil
            let delegate = ChannelConnectionDelegate(owner: self, slot: i)
            // Usable once the server's first HTTP/2 bytes came (through TLS); a TLS failure fails
            // the attempt with OpenSSL's reason.
            let ready = Promise<RPCError?>()
            let peer = address.description
            let tls = self.tls
            let connection = try await H2Connection.connect(
                to: socketAddress, on: loop, configuration: h2, delegate: delegate,
                transport: { tcp in
                    guard let tls else {
                        step.withLock { $0 = .serverPreface }
                        return ReadinessStream(tcp, peer: "connection to \(peer)") { ready.complete($0) }
                    }
                    step.withLock { $0 = .tlsAndServerPreface }
                    guard
                        let stream = try? TLSByteStream(
                            connected: tcp, serverName: tls.serverName, context: tls.context)
                    else { return nil }
                    return ReadinessStream(tls: stream, peer: peer) { ready.complete($0) }
                })
            let failure: RPCError?
            do {
                failure = try await ready.wait()
            } catch {
                connection.close(.cancel)
                throw RPCError(code: .cancelled, message: "cancelled while connecting to \(peer)")
            }
            if let failure {
                connection.close(.noError)
                throw failure
            }
            return .success(connection)
        } catch let error as RPCError {
            return .failure(error)
        } catch {
            return .failure(RPCError(code: .unavailable, message: "cannot connect to \(address): \(error)"))
        }
    }

    /// The socket address to connect to.
    private func socketAddress() throws(RPCError) -> SocketAddress {
        do throws(IOError) {
            switch address {
            case .ipv4(let host, let port), .ipv6(let host, let port): return try SocketAddress(host: host, port: port)
            case .unix(let path): return try SocketAddress(unixPath: path)
            case .unixAbstract: break
            }
        } catch {
            throw RPCError(code: .unavailable, message: "cannot connect to \(address): \(error)")
        }
        throw RPCError(
            code: .unavailable, message: "cannot connect to \(address): abstract Unix sockets are not supported")
    }

    /// Stops using `connection` for new calls (GOAWAY or close); its streams carry on.
    func forget(_ connection: H2Connection, slot i: Int) {
        let lost = state.withLock { s -> Bool in
            guard let c = s.slots[i].connection, c === connection else { return false }
            s.slots[i].connection = nil
            return !s.closed
        }
        if lost { observer?(.lost) }
    }

    /// Starts connecting now (a load balancer asked) unless a connection is open or being made;
    /// the outcome reaches the observer.
    func connectNow() {
        if state.withLock({ s in s.slots.contains { $0.connection != nil } }) {
            observer?(.ready)
            return
        }
        Task { _ = try? await self.connection() }
    }

    /// Closes every connection; later calls fail UNAVAILABLE.
    func close() async { shutdown() }

    /// Closes every connection now; later calls fail UNAVAILABLE.
    func shutdown() {
        let connections = state.withLock { s -> [H2Connection] in
            s.closed = true
            let all = s.slots.compactMap(\.connection)
            for i in s.slots.indices { s.slots[i].connection = nil }
            return all
        }
        for c in connections { c.close(.noError) }
    }
}

/// Drops a connection from its channel slot on GOAWAY or close.
final class ChannelConnectionDelegate: H2ConnectionDelegate {
    weak var owner: ChannelConnection?
    let slot: Int

    init(owner: ChannelConnection, slot: Int) {
        self.owner = owner
        self.slot = slot
    }

    func connection(_ connection: H2Connection, didReceiveGoAway code: H2ErrorCode, lastStreamID: Int32) {
        owner?.forget(connection, slot: slot)
    }

    func connection(_ connection: H2Connection, didClose error: H2Error?) {
        owner?.forget(connection, slot: slot)
    }
}

/// The event loops client connections run on, shared by every channel of the process that has
/// the same busy-poll setting.
enum ClientEventLoops {
    /// By busy-poll window (nil: none).
    private static let groups = LockedValue<[Duration?: EventLoopGroup]>([:])

    static func shared(busyPoll: Duration?) throws(RPCError) -> EventLoopGroup {
        let key = busyPoll.flatMap { $0 > .zero ? $0 : nil }
        let result = groups.withLock { groups -> Result<EventLoopGroup, RPCError> in
            if let g = groups[key] { return .success(g) }
            do {
                let created = try EventLoopGroup(loopCount: EventLoopGroup.coreCount, busyPoll: key)
                groups[key] = created
                return .success(created)
            } catch {
                return .failure(RPCError(code: .unavailable, message: "cannot start client event loops: \(error)"))
            }
        }
        return try result.get()
    }
}
