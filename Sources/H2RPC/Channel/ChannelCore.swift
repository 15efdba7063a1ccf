import EventIO
import H2TLS

/// A channel's connections to every address of its target: the resolver's address lists go to
/// the load balancer, whose subchannels are `ChannelConnection`s (one per address); calls are
/// placed on the subchannel the current picker gives, waiting while the channel connects (and,
/// with wait-for-ready, through TRANSIENT_FAILURE) until their deadline.
final class ChannelCore: Sendable {
    let target: RPCTarget
    let configuration: RPCChannel.Configuration
    /// The channel's connectivity state, for `RPCChannel.connectivityStates()`.
    let connectivity = ConnectivityStateMonitor()
    /// The loop tasks that prefer the channel's executor run on.
    let primaryLoop: EventLoop
    private let resolver: NameResolver
    /// The TLS client context every connection's handshake uses; nil for plaintext.
    private let tlsContext: TLSClientContext?

    private struct Subchannel {
        let connection: ChannelConnection
        let incarnation: Int
    }

    private struct State {
        var balancer: AnyLoadBalancer
        var subchannels: [SubchannelID: Subchannel] = [:]
        var nextIncarnation = 0
        var picker = Picker.queue
        var state = ConnectivityState.idle
        var waitingCalls = 0
        var closed = false
        var resolverTask: Task<Void, Never>?
    }
    private let state: WaitableState<State>

    init(target: RPCTarget, policy: LoadBalancingPolicy, configuration: RPCChannel.Configuration) throws(RPCError) {
        self.target = target
        self.configuration = configuration
        switch configuration.transportSecurity {
        case .plaintext:
            tlsContext = nil
        case .tls(let tls):
            do {
                tlsContext = try TLSClientContext(tls)
            } catch {
                throw RPCError(code: .invalidArgument, message: "TLS configuration: \(error)")
            }
        }
        primaryLoop = try ClientEventLoops.shared(busyPoll: configuration.busyPoll).next()
        resolver = NameResolver(target: target, configuration: configuration.nameResolution)
        state = WaitableState(State(balancer: AnyLoadBalancer(policy)))
        let updates = resolver.updates()
        let task = Task { [weak self] in
            for await update in updates {
                guard let self else { return }
                switch update {
                case .success(let addresses): self.apply { $0.updateAddresses(addresses) }
                case .failure(let error): self.apply { $0.resolutionFailed(error.rpcError) }
                }
            }
        }
        state.withLock { $0.resolverTask = task }
    }

    // MARK: Calls

    /// Opens the call's stream on the subchannel the picker gives. While the channel is IDLE or
    /// CONNECTING the call waits; in TRANSIENT_FAILURE it fails (UNAVAILABLE with the connection
    /// error) unless `waitForReady`, in which case it waits until `deadline`. A stream that could
    /// not be opened on the picked connection (closing, GOAWAY) is retried on the next pick.
    func start(
        _ call: ClientCall, path: String, options: CallOptions, waitForReady: Bool, deadline: ContinuousClock.Instant?,
        initialMessage: [UInt8]? = nil, endStream: Bool = false
    ) async throws(RPCError) {
        do throws(RPCError) {
            try options.metadata.validate()
            var lastError: RPCError?
            for _ in 0..<5 {
                let connection = try await pick(waitForReady: waitForReady, deadline: deadline)
                var options = options
                if let deadline {
                    // The time spent waiting for a connection counts: the stream gets what is left.
                    let left = deadline - .now
                    guard left > .zero else {
                        throw RPCError(code: .deadlineExceeded, message: "deadline exceeded before the call started")
                    }
                    options.timeout = left
                }
                do {
                    try await connection.open(
                        call, path: path, options: options, initialMessage: initialMessage, endStream: endStream)
                    return
                } catch {
                    if error.code != .unavailable || Task.isCancelled { throw error }
                    lastError = error
                }
            }
            throw lastError ?? RPCError(code: .unavailable, message: "no usable connection")
        } catch {
            call.fail(error)
            throw error
        }
    }

    /// Leaves IDLE and waits until a call could be sent now.
    /// - Throws: the error a call would fail with (UNAVAILABLE in TRANSIENT_FAILURE), CANCELLED.
    func connect() async throws(RPCError) {
        _ = try await pick(waitForReady: false, deadline: nil)
    }

    /// Waits for a picker that gives a subchannel (or says fail).
    private func pick(
        waitForReady: Bool, deadline: ContinuousClock.Instant?
    ) async throws(RPCError) -> ChannelConnection {
        let first = state.withLock { s -> Result<ChannelConnection, RPCError>? in Self.tryPick(&s, waitForReady) }
        if let first { return try first.get() }
        // Leave IDLE (the first call after start or after a connection was lost).
        apply(countingWaiter: true) { lb in lb.exitIdle() }
        defer { state.update { $0.waitingCalls -= 1 } }
        let timer = deadline.map { deadline in
            Task { [state] in
                try? await Task.sleep(until: deadline, clock: .continuous)
                state.update { _ in }  // wakes the waiter to see the deadline
            }
        }
        defer { timer?.cancel() }
        let result: Result<ChannelConnection, RPCError>
        do {
            result = try await state.wait { s -> Result<ChannelConnection, RPCError>? in
                if let picked = Self.tryPick(&s, waitForReady) { return picked }
                if let deadline, ContinuousClock.now >= deadline {
                    let why = waitForReady ? "waiting for ready" : "waiting for a connection"
                    return .failure(
                        RPCError(
                            code: .deadlineExceeded, message: "deadline exceeded while \(why) (channel \(s.state))"))
                }
                return nil
            }
        } catch {
            throw RPCError(code: .cancelled, message: "cancelled while waiting for a connection to \(target)")
        }
        return try result.get()
    }

    private static func tryPick(_ s: inout State, _ waitForReady: Bool) -> Result<ChannelConnection, RPCError>? {
        if s.closed { return .failure(RPCError(code: .unavailable, message: "channel is closed")) }
        switch s.picker.pick(waitForReady: waitForReady) {
        case .pick(let id):
            guard let subchannel = s.subchannels[id] else { return nil }
            return .success(subchannel.connection)
        case .fail(let error): return .failure(error)
        case .queue: return nil
        }
    }

    /// Waits until calls are spread over exactly `count` READY subchannels (tests order their
    /// steps with it instead of sleeping).
    /// - Throws: `CancellationError` when the task is cancelled first.
    func waitForReadySubchannels(_ count: Int) async throws(CancellationError) {
        try await state.wait { s in s.picker.readyCount == count ? () : nil }
    }

    // MARK: Balancer

    /// Runs a balancer operation, installs its picker and state, and carries out its actions.
    private func apply(countingWaiter: Bool = false, _ body: (inout any LoadBalancer) -> BalancerUpdate) {
        var toConnect: [ChannelConnection] = []
        var toClose: [ChannelConnection] = []
        var resolve = false
        state.update { s in
            if countingWaiter { s.waitingCalls += 1 }
            guard !s.closed else { return }
            var update = s.balancer.with(body)
            // Addresses arrived while calls wait in IDLE: connect for them.
            if update.state == .idle, s.waitingCalls > 0, !countingWaiter {
                let more = s.balancer.with { $0.exitIdle() }
                update = BalancerUpdate(actions: update.actions + more.actions, state: more.state, picker: more.picker)
            }
            for action in update.actions {
                switch action {
                case .createSubchannel(let id, let address):
                    if let made = makeSubchannel(id, address, &s) { s.subchannels[id] = made }
                case .connect(let id):
                    if let sub = s.subchannels[id] { toConnect.append(sub.connection) }
                case .disconnect(let id):
                    // A fresh connection object for the same address; the old one closes.
                    if let old = s.subchannels[id], let fresh = makeSubchannel(id, old.connection.address, &s) {
                        toClose.append(old.connection)
                        s.subchannels[id] = fresh
                    }
                case .removeSubchannel(let id):
                    if let old = s.subchannels.removeValue(forKey: id) { toClose.append(old.connection) }
                case .requestResolution:
                    resolve = true
                }
            }
            s.picker = update.picker.replacing(s.picker)
            s.state = update.state
            // Published before the update wakes the calls and `connect()` waiting on `state`, so
            // that they see the state that woke them (lock order: `state`, then `connectivity`).
            connectivity.update(update.state)
        }
        for connection in toConnect { connection.connectNow() }
        for connection in toClose { Task { await connection.close() } }
        if resolve { resolver.resolveNow() }
    }

    private func makeSubchannel(_ id: SubchannelID, _ address: ResolvedAddress, _ s: inout State) -> Subchannel? {
        s.nextIncarnation += 1
        let incarnation = s.nextIncarnation
        let observer: @Sendable (SubchannelEvent) -> Void = { [weak self] event in
            self?.subchannelEvent(id, incarnation, event)
        }
        let tls = tlsContext.map { ChannelConnection.TLS(context: $0, serverName: serverName(for: address)) }
        guard
            let connection = try? ChannelConnection(
                address: address, authority: target.authority, tls: tls, configuration: configuration,
                firstLoop: incarnation == 1 ? primaryLoop : nil, observer: observer)
        else { return nil }
        return Subchannel(connection: connection, incarnation: incarnation)
    }

    /// The name a TLS connection to `address` verifies: the target's host name for DNS targets,
    /// the address itself for IP lists, `localhost` for Unix sockets.
    private func serverName(for address: ResolvedAddress) -> String {
        if case .dns(let host, _, _) = target.kind { return host }
        switch address {
        case .ipv4(let host, _), .ipv6(let host, _): return host
        case .unix, .unixAbstract: return "localhost"
        }
    }

    private func subchannelEvent(_ id: SubchannelID, _ incarnation: Int, _ event: SubchannelEvent) {
        let current = state.withLock { $0.subchannels[id]?.incarnation == incarnation }
        guard current else { return }
        switch event {
        case .connecting:
            apply { $0.subchannelStateChanged(id, to: .connecting, error: nil) }
        case .ready:
            apply { $0.subchannelStateChanged(id, to: .ready, error: nil) }
        case .lost:
            apply { $0.subchannelStateChanged(id, to: .idle, error: nil) }
        case .failed(let error, let retryIn):
            apply { $0.subchannelStateChanged(id, to: .transientFailure, error: error) }
            // Its backoff over, the subchannel is IDLE again and the balancer may reconnect it.
            Task { [weak self] in
                try? await Task.sleep(for: retryIn)
                guard let self, self.state.withLock({ $0.subchannels[id]?.incarnation == incarnation }) else { return }
                self.apply { $0.subchannelStateChanged(id, to: .idle, error: nil) }
            }
        }
    }

    // MARK: Closing

    /// Closes every connection; waiting and later calls fail with UNAVAILABLE.
    func close() async { shutdown() }

    /// Stops resolving and closes every connection now; waiting and later calls fail with
    /// UNAVAILABLE. Runs at the latest when the channel goes away.
    private func shutdown() {
        let (connections, task) = state.update { s -> ([ChannelConnection], Task<Void, Never>?) in
            guard !s.closed else { return ([], nil) }
            _ = s.balancer.with { $0.shutdown() }
            s.closed = true
            s.picker = .shutdown
            s.state = .shutdown
            defer { s.subchannels = [:] }
            return (s.subchannels.values.map(\.connection), s.resolverTask)
        }
        task?.cancel()
        connectivity.update(.shutdown)
        for connection in connections { connection.shutdown() }
    }

    /// Completed when the resolver stopped looking the target up (after `close()` or the
    /// channel's end).
    var resolverStopped: Promise<Void> { resolver.stopped }

    /// A channel dropped without `close()` does not leave its resolver running or its connections open.
    deinit { shutdown() }
}
