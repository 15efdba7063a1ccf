public import ProtoWire
public import H2TLS
import EventIO

/// A client channel to a gRPC target: resolves it (every IPv6 and IPv4 address), balances calls
/// over one HTTP/2 connection per address (`pick_first` or `round_robin`), connects lazily,
/// reconnects with gRPC's backoff, and applies the service config (timeouts, wait-for-ready,
/// message limits, retries).
public final class RPCChannel: Sendable {
    /// Whether the channel's connections use TLS. Chosen explicitly: a channel never falls back
    /// from one to the other.
    public enum TransportSecurity: Sendable {
        /// HTTP/2 over plain TCP or a Unix socket (h2c with prior knowledge).
        case plaintext
        /// TLS with ALPN `h2`: trust roots (the system bundle or a CA file), an optional client
        /// certificate for mutual TLS, an optional server-name override. A failed handshake fails
        /// the connection attempt with UNAVAILABLE naming OpenSSL's reason.
        case tls(TLSClientConfiguration)
    }

    /// Channel-wide settings.
    public struct Configuration: Sendable {
        /// Largest response message accepted (after decompression); 4 MiB like other gRPC stacks.
        public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
        /// Largest request message sent.
        public var maxSendMessageSize: Int = Int(Int32.max)
        /// Interval of keepalive PINGs while the connection is open; nil: none.
        public var keepAliveInterval: Duration? = nil
        /// How long to wait for a keepalive PING's ACK before dropping the connection.
        public var keepAliveTimeout: Duration = .seconds(20)
        /// HTTP/2 connections calls are spread over (round-robin); 1 multiplexes everything on one.
        public var connectionCount = 1
        /// First wait after a failed connection attempt (gRPC: 1 s), growing ×1.6 per failure.
        public var initialBackoff: Duration = .seconds(1)
        /// Longest wait between connection attempts (gRPC: 120 s).
        public var maximumBackoff: Duration = .seconds(120)
        /// Run around every call, in order.
        public var interceptors: [any ClientInterceptor] = []
        /// How long an idle client event loop keeps polling for input before it sleeps; nil (the
        /// default): it sleeps at once. Polling trades idle CPU for latency: with one call in flight
        /// most of a round trip on a virtual machine is the sleeping thread's wake-up, which polling
        /// skips, but the loops then burn their cores for up to this long after each burst of work.
        /// Channels with the same setting share their event loops (one per core).
        public var busyPoll: Duration? = nil
        /// The load-balancing policy; nil: the service config's, else `pick_first`.
        public var loadBalancingPolicy: LoadBalancingPolicy? = nil
        /// Per-method settings (timeout, wait-for-ready, message limits, retries), the policy and
        /// retry throttling; nil: none.
        public var serviceConfig: ServiceConfig? = nil
        /// When the target's name is looked up again.
        public var nameResolution = NameResolver.Configuration()
        /// Plaintext (the default) or TLS.
        public var transportSecurity = TransportSecurity.plaintext
        /// A circuit breaker every call (every attempt of a retried call) goes through: while it is
        /// open calls fail at once with UNAVAILABLE "circuit open" without touching the network;
        /// nil (the default): none. Its `stateChanges()` show when it opens and closes.
        public var circuitBreaker: CircuitBreaker? = nil
        /// Bytes of request messages one retried call keeps for sending again on a later attempt
        /// (gRFC A6's per-RPC buffer limit; 256 KiB). A call whose messages outgrow it commits to
        /// its current attempt: it is not retried any more.
        public var perCallRetryBufferLimit = 256 * 1024
        /// Bytes of request messages all retried calls of the channel keep together (A6's
        /// `retryBufferSize`; 16 MiB). A call whose message does not fit commits to its current attempt.
        public var retryBufferSize = 16 * 1024 * 1024
        /// Whether a streaming call without a retry or hedging policy is retried transparently
        /// (gRFC A6) when the server refused its stream unprocessed (REFUSED_STREAM, or above a
        /// GOAWAY's last stream id): it then runs as a retried call without a policy, keeping its
        /// request messages sent before the response headers (within the retry buffer limits) to
        /// send them again on one new stream. False by default: such calls run on one stream with
        /// nothing kept (no extra allocation, task or lock per call) and fail with UNAVAILABLE
        /// when refused. True costs per call a second `ClientCall`, a watcher task and the
        /// retry state, and per message one lock until the response headers commit the call.
        public var transparentStreamingRetry = false
        /// How long one connection attempt may take: TCP connect, TLS handshake and the server's
        /// first HTTP/2 bytes (its SETTINGS). An attempt that takes longer fails with UNAVAILABLE
        /// naming the step it was at, and the next one follows the connection backoff. 20 s, gRPC's
        /// minimum connect timeout.
        public var connectTimeout: Duration = .seconds(20)
        /// Creates the default configuration.
        public init() {}
    }

    /// Host name or address (the first address for a list of addresses; the path for a Unix socket).
    public let host: String
    /// TCP port (of the first address for a list; 0 for a Unix socket).
    public let port: Int
    /// The target.
    public let target: RPCTarget
    /// The settings.
    public let configuration: Configuration
    let connection: ChannelCore
    let throttle: RetryThrottle?
    let retryBuffer: RetryBufferBudget

    /// A channel to `target`, any gRPC target string: `host:port`, `dns:///host:port`,
    /// `ipv4:a:p,a:p`, `ipv6:[a]:p` (a missing port is 443), `unix:path` or `unix:///abs/path`.
    /// Nothing connects until the first call (with `round_robin`, until the addresses are resolved).
    /// - Throws: ``RPCError`` with INVALID_ARGUMENT naming the part of `target` that is wrong, or
    ///   the TLS setting that cannot be loaded (a missing CA file, a key that does not match).
    public convenience init(target: String, configuration: Configuration = Configuration()) throws(RPCError) {
        let parsed: RPCTarget
        do {
            parsed = try RPCTarget(target)
        } catch {
            throw error.rpcError
        }
        try self.init(target: parsed, configuration: configuration)
    }

    /// A channel to a parsed target (``RPCTarget/dns(host:port:)``, ``RPCTarget/addresses(_:)``).
    /// - Throws: ``RPCError`` with INVALID_ARGUMENT for an abstract Unix socket, or the TLS setting
    ///   that cannot be loaded.
    public init(target parsed: RPCTarget, configuration: Configuration = Configuration()) throws(RPCError) {
        switch parsed.kind {
        case .dns(let host, let port, _):
            self.host = host
            self.port = port
        case .addresses(let addresses):
            switch addresses.first {
            case .ipv4(let host, let port), .ipv6(let host, let port):
                self.host = host
                self.port = port
            case .unix(let path):
                self.host = path
                self.port = 0
            case .unixAbstract, nil:
                throw RPCError(
                    code: .invalidArgument, message: "target \"\(parsed)\": abstract Unix sockets are not supported")
            }
        }
        self.target = parsed
        self.configuration = configuration
        let policy = configuration.loadBalancingPolicy ?? configuration.serviceConfig?.loadBalancingPolicy ?? .pickFirst
        self.throttle = configuration.serviceConfig?.retryThrottling?.makeThrottle()
        self.retryBuffer = RetryBufferBudget(
            perCallLimit: configuration.perCallRetryBufferLimit, channelLimit: configuration.retryBufferSize)
        self.connection = try ChannelCore(target: parsed, policy: policy, configuration: configuration)
    }

    /// The channel's connectivity state now.
    public var connectivityState: ConnectivityState { connection.connectivity.current }

    /// The channel's connectivity state, then each change, until the channel is closed (SHUTDOWN).
    public func connectivityStates() -> AsyncStream<ConnectivityState> { connection.connectivity.changes() }

    /// The executor of the event loop this channel's (first) connection runs on. Tasks started with
    /// `Task(executorPreference: channel.preferredTaskExecutor)` resume on that loop when a
    /// response arrives, instead of waking a thread of the global pool (a few µs per message).
    public var preferredTaskExecutor: any TaskExecutor { connection.primaryLoop.taskExecutor }

    /// Connects now instead of at the first call (gRPC's `getState(try_to_connect)`, grpc-go's
    /// `Connect`) and returns once a call could be sent: the channel is READY.
    /// - Throws: ``RPCError`` UNAVAILABLE naming why when no address can be reached (the channel is
    ///   in TRANSIENT_FAILURE and keeps trying with backoff); CANCELLED when the task is cancelled.
    public func connect() async throws(RPCError) { try await connection.connect() }

    /// Closes the connection; calls in flight fail with UNAVAILABLE, later calls too.
    public func close() async { await connection.close() }

    /// Opens the call with `request` as its whole request side (unary, server streaming), in one hop.
    func start<Req: ProtoMessage>(
        _ call: ClientCall, path: String, options: CallOptions, soleRequest request: Req
    ) async throws(RPCError) {
        let framed: [UInt8]
        do {
            framed = try call.frame(request, compressed: nil)
        } catch {
            call.fail(error)
            throw error
        }
        try await open(call, path: path, options: options, initialMessage: framed, endStream: true)
    }

    /// Opens the call's stream on a connection the load balancer picks.
    func open(
        _ call: ClientCall, path: String, options: CallOptions, initialMessage: [UInt8]? = nil, endStream: Bool = false
    ) async throws(RPCError) {
        let waitForReady = options.waitForReady ?? false
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        try await connection.start(
            call, path: path, options: options, waitForReady: waitForReady, deadline: deadline,
            initialMessage: initialMessage, endStream: endStream)
    }

    /// Runs the interceptors' start hooks (which may change `options` or refuse the call), then
    /// applies the service config's entry for `path`: the smaller timeout and message limits, its
    /// wait-for-ready unless the call set one. Returns the observers the interceptors returned and
    /// the entry's retry or hedging policy.
    private func prepare(
        path: String, kind: RPCMethod.Kind, options: inout CallOptions
    ) async throws(RPCError)
        -> (observers: ClientObservers, policy: MethodConfig.ExecutionPolicy?)
    {
        let interceptors = configuration.interceptors
        let observers =
            interceptors.isEmpty
            ? ClientObservers.none
            : try await ClientObservers.start(
                interceptors, call: ClientCallDescriptor(path: path, kind: kind), options: &options)
        guard let method = configuration.serviceConfig?.methodConfig(forPath: path) else { return (observers, nil) }
        if let timeout = method.timeout { options.timeout = min(options.timeout ?? timeout, timeout) }
        if options.waitForReady == nil { options.waitForReady = method.waitForReady }
        if let limit = method.maxRequestMessageBytes {
            options.maxSendMessageSize = min(options.maxSendMessageSize ?? configuration.maxSendMessageSize, limit)
        }
        if let limit = method.maxResponseMessageBytes {
            options.maxReceiveMessageSize = min(
                options.maxReceiveMessageSize ?? configuration.maxReceiveMessageSize, limit)
        }
        return (observers, method.executionPolicy)
    }

    /// The shared state of one call (or one attempt of a retried call), admitted by the circuit
    /// breaker if there is one (which hears how it ended); `observers` hear the call's end.
    /// - Throws: ``RPCError`` UNAVAILABLE "circuit open" when the breaker rejects it (the observers
    ///   hear that end).
    func newCall(path: String, options: CallOptions, observers: ClientObservers = .none) throws(RPCError) -> ClientCall
    {
        var observer = observers.endObserver
        if let breaker = configuration.circuitBreaker {
            let ticket: CircuitBreaker.Ticket
            do {
                ticket = try breaker.admit()
            } catch {
                observers.finished(CallEnd(error: error, trailingMetadata: Metadata()))
                throw error
            }
            let started = ContinuousClock.now
            let inner = observer
            observer = { end in
                inner?(end)
                if end.error?.code == .cancelled {
                    breaker.abandon(ticket)
                } else {
                    breaker.record(ticket, status: end.error?.code ?? .ok, latency: ContinuousClock.now - started)
                }
            }
        }
        return ClientCall(
            maxReceiveMessageSize: options.maxReceiveMessageSize ?? configuration.maxReceiveMessageSize,
            maxSendMessageSize: options.maxSendMessageSize ?? configuration.maxSendMessageSize,
            compression: options.compression, observer: observer)
    }

    /// The sole request of a unary or server-streaming call as the observers want it sent; a
    /// throwing observer ends the call (the observers hear it).
    private func intercepted<Req: ProtoMessage>(
        _ request: Req, _ observers: ClientObservers
    ) async throws(RPCError) -> Req {
        guard !observers.isEmpty else { return request }
        do {
            return try await observers.sending(request)
        } catch {
            observers.finished(CallEnd(error: error, trailingMetadata: error.trailingMetadata))
            throw error
        }
    }

    /// A unary call made of one or more attempts (retries, hedging, a transparent retry): the
    /// observers see its response and hear its end once, whichever attempt answered.
    private func observed<Resp: ProtoMessage>(
        _ observers: ClientObservers, _ attempts: () async throws(RPCError) -> RPCResponse<Resp>
    ) async throws(RPCError) -> RPCResponse<Resp> {
        guard !observers.isEmpty else { return try await attempts() }
        do {
            var response = try await attempts()
            response.message = try await observers.received(response.message)
            observers.finished(CallEnd(error: nil, trailingMetadata: response.trailingMetadata))
            return response
        } catch {
            observers.finished(CallEnd(error: error, trailingMetadata: error.trailingMetadata))
            throw error
        }
    }
}

extension RPCChannel {
    /// Makes a unary call.
    public func unary<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> Resp {
        try await unaryWithMetadata(path: path, request: request, as: Resp.self, options: options).message
    }

    /// Makes a unary call and returns the response with its initial and trailing metadata.
    public func unaryWithMetadata<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> RPCResponse<Resp> {
        var options = options
        let (observers, policy) = try await prepare(path: path, kind: .unary, options: &options)
        let request = try await intercepted(request, observers)
        let options0 = options
        return try await observed(observers) { () async throws(RPCError) -> RPCResponse<Resp> in
            let options = options0
            switch policy {
            case .retry(let policy)?:
                return try await retryingUnary(path: path, request: request, options: options, policy: policy)
            case .hedge(let policy)?:
                return try await hedgedUnary(path: path, request: request, options: options, policy: policy)
            case nil:
                break
            }
            let call = try newCall(path: path, options: options)
            do throws(RPCError) {
                try await start(call, path: path, options: options, soleRequest: request)
                // Cancelling the task while it waits for the response cancels the call (the inbox's
                // cancel action; a task cancelled earlier cancels it as soon as it waits).
                let message: Resp = try await call.receiveSingle()
                return RPCResponse(
                    message: message, initialMetadata: try await call.initialMetadata(),
                    trailingMetadata: await call.trailingMetadata())
            } catch {
                // A stream the server refused unprocessed (REFUSED_STREAM, or above a GOAWAY's last
                // stream id) is retried once at once, with or without a retry policy (gRFC A6).
                guard error.isRefusedStream else { throw error }
                return try await retryingUnary(
                    path: path, request: request, options: options, policy: nil, transparentRetryUsed: true)
            }
        }
    }

    /// Starts a client-streaming call.
    public func clientStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> ClientStreamingCall<Req, Resp> {
        var options = options
        let (observers, policy) = try await prepare(path: path, kind: .clientStreaming, options: &options)
        switch policy {
        case .retry(let policy)?:
            let owner = try await retriedStreaming(path: path, options: options, policy: policy, observers: observers)
            return ClientStreamingCall(owner: owner, observers: observers)
        case .hedge(let policy)?:
            let owner = try await hedgedStreaming(path: path, options: options, policy: policy, observers: observers)
            return ClientStreamingCall(owner: owner, observers: observers)
        case nil where configuration.transparentStreamingRetry:
            let owner = try await retriedStreaming(path: path, options: options, policy: nil, observers: observers)
            return ClientStreamingCall(owner: owner, observers: observers)
        case nil:
            break
        }
        let call = try newCall(path: path, options: options, observers: observers)
        let owner = ClientCallOwner(call)
        try await open(call, path: path, options: options)
        return ClientStreamingCall(owner: owner, observers: observers)
    }

    /// Starts a server-streaming call with its one request.
    public func serverStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> ServerStreamingCall<Resp> {
        var options = options
        let (observers, policy) = try await prepare(path: path, kind: .serverStreaming, options: &options)
        let request = try await intercepted(request, observers)
        switch policy {
        case .retry(let policy)?:
            return try await retryingServerStreaming(
                path: path, request: request, options: options, policy: policy, observers: observers)
        case .hedge(let policy)?:
            return try await hedgedServerStreaming(
                path: path, request: request, options: options, policy: policy, observers: observers)
        case nil where configuration.transparentStreamingRetry:
            // Returned at once, as without retries: responses come from the attempt that commits.
            let owner = try await retriedStreaming(path: path, options: options, policy: nil, observers: observers)
            try await owner.call.send(request, compressed: nil, endStream: true)
            return ServerStreamingCall(owner: owner, observers: observers)
        case nil:
            break
        }
        let call = try newCall(path: path, options: options, observers: observers)
        let owner = ClientCallOwner(call)
        try await start(call, path: path, options: options, soleRequest: request)
        return ServerStreamingCall(owner: owner, observers: observers)
    }

    /// Starts a bidirectional-streaming call.
    public func bidiStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> BidiStreamingCall<Req, Resp> {
        var options = options
        let (observers, policy) = try await prepare(path: path, kind: .bidiStreaming, options: &options)
        switch policy {
        case .retry(let policy)?:
            let owner = try await retriedStreaming(path: path, options: options, policy: policy, observers: observers)
            return BidiStreamingCall(owner: owner, observers: observers)
        case .hedge(let policy)?:
            let owner = try await hedgedStreaming(path: path, options: options, policy: policy, observers: observers)
            return BidiStreamingCall(owner: owner, observers: observers)
        case nil where configuration.transparentStreamingRetry:
            let owner = try await retriedStreaming(path: path, options: options, policy: nil, observers: observers)
            return BidiStreamingCall(owner: owner, observers: observers)
        case nil:
            break
        }
        let call = try newCall(path: path, options: options, observers: observers)
        let owner = ClientCallOwner(call)
        try await open(call, path: path, options: options)
        return BidiStreamingCall(owner: owner, observers: observers)
    }
}

extension RPCChannel {
    /// A unary call under a retry policy (gRFC A6): each attempt is a new stream on a connection
    /// picked afresh, carrying `grpc-previous-rpc-attempts`; an attempt that failed with a
    /// retryable code before response headers arrived is retried after the policy's backoff (or
    /// the server's `grpc-retry-pushback-ms`) while attempts, retry throttling and the deadline
    /// allow; a stream the server refused unprocessed (REFUSED_STREAM, or above a GOAWAY's last
    /// stream id) is retried once at once without counting. A request larger than the retry
    /// buffer is sent once.
    /// Without a policy only the transparent retry is made; `transparentRetryUsed` when it was.
    private func retryingUnary<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, options: CallOptions, policy: RetryPolicy?, transparentRetryUsed: Bool = false
    ) async throws(RPCError) -> RPCResponse<Resp> {
        var options = options
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var retry = RetryState(
            policy: policy, throttle: policy == nil ? nil : throttle, transparentRetryUsed: transparentRetryUsed)
        var buffer = CallRetryBuffer(budget: retryBuffer)
        let fits = buffer.keep(request.encodedSize())
        while true {
            if let deadline { options.timeout = deadline - .now }
            options.previousRPCAttempts = retry.previousAttempts
            let call = try newCall(path: path, options: options)
            do throws(RPCError) {
                try await start(call, path: path, options: options, soleRequest: request)
                let message: Resp = try await call.receiveSingle()
                _ = retry.decide(after: AttemptOutcome(status: .ok))
                return RPCResponse(
                    message: message, initialMetadata: try await call.initialMetadata(),
                    trailingMetadata: await call.trailingMetadata())
            } catch {
                // Response headers (not Trailers-Only) commit the call to this attempt.
                let headersArrived: Bool
                if case .success? = call.head { headersArrived = true } else { headersArrived = false }
                let outcome = AttemptOutcome(failure: error, committed: headersArrived || !fits)
                switch retry.decide(after: outcome, remaining: deadline.map { $0 - .now }) {
                case .commit:
                    throw error
                case .retryTransparently:
                    continue
                case .retry(let delay):
                    do {
                        try await Task.sleep(for: delay)
                    } catch {
                        throw RPCError(code: .cancelled, message: "cancelled while waiting to retry")
                    }
                }
            }
        }
    }
}
