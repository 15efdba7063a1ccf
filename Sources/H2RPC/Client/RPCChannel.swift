public import ProtoWire
import EventIO

/// A client's connection to one server (`host:port`): connects lazily, reconnects with gRPC's
/// backoff, multiplexes every call on one HTTP/2 connection.
public final class RPCChannel: Sendable {
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
        /// Creates the default configuration.
        public init() {}
    }

    /// Host name or address.
    public let host: String
    /// TCP port.
    public let port: Int
    /// The settings.
    public let configuration: Configuration
    let connection: ChannelConnection

    /// A channel to `target` (`host:port`, `[v6]:port`). Nothing connects until the first call.
    /// - Throws: ``RPCError`` with INVALID_ARGUMENT when `target` is not `host:port`.
    public init(target: String, configuration: Configuration = Configuration()) throws(RPCError) {
        guard let colon = target.lastIndex(of: ":"), let port = Int(target[target.index(after: colon)...]),
            (1...65535).contains(port)
        else {
            throw RPCError(code: .invalidArgument, message: "target \"\(target)\" is not host:port")
        }
        var host = String(target[..<colon])
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.host = host
        self.port = port
        self.configuration = configuration
        self.connection = try ChannelConnection(host: host, port: port, configuration: configuration)
    }

    /// The executor of the event loop this channel's (first) connection runs on. Tasks started with
    /// `Task(executorPreference: channel.preferredTaskExecutor)` resume on that loop when a
    /// response arrives, instead of waking a thread of the global pool (a few µs per message).
    public var preferredTaskExecutor: any TaskExecutor { connection.primaryLoop.taskExecutor }

    /// Closes the connection; calls in flight fail with UNAVAILABLE, later calls too.
    public func close() async { await connection.close() }

    /// Opens the call with `request` as its whole request side (unary, server streaming), in one hop.
    private func start<Req: ProtoMessage>(
        _ call: ClientCall, path: String, options: CallOptions, soleRequest request: Req
    ) async throws(RPCError) {
        let framed: [UInt8]
        do {
            framed = try call.frame(request, compressed: nil)
        } catch {
            call.fail(error)
            throw error
        }
        try await connection.start(call, path: path, options: options, initialMessage: framed, endStream: true)
    }

    /// Runs the interceptors' start hooks and creates the call's shared state; the observers they
    /// returned hear of the call's end through it.
    private func makeCall(path: String, kind: RPCMethod.Kind, options: inout CallOptions) async throws(RPCError)
        -> (ClientCall, ClientObservers)
    {
        let interceptors = configuration.interceptors
        let observers = interceptors.isEmpty
            ? ClientObservers.none
            : try await ClientObservers.start(interceptors, call: ClientCallDescriptor(path: path, kind: kind), options: &options)
        let call = ClientCall(
            maxReceiveMessageSize: options.maxReceiveMessageSize ?? configuration.maxReceiveMessageSize,
            maxSendMessageSize: options.maxSendMessageSize ?? configuration.maxSendMessageSize,
            compression: options.compression, observer: observers.endObserver)
        return (call, observers)
    }

    /// The sole request of a unary or server-streaming call as the observers want it sent; a
    /// throwing observer fails the call.
    private func intercepted<Req: ProtoMessage>(_ request: Req, _ call: ClientCall, _ observers: ClientObservers)
        async throws(RPCError) -> Req
    {
        guard !observers.isEmpty else { return request }
        do {
            return try await observers.sending(request)
        } catch {
            call.fail(error)
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
        let (call, observers) = try await makeCall(path: path, kind: .unary, options: &options)
        try await start(call, path: path, options: options, soleRequest: try await intercepted(request, call, observers))
        // Cancelling the task while it waits for the response cancels the call (the inbox's cancel
        // action; a task cancelled earlier cancels it as soon as it waits).
        var message: Resp = try await call.receiveSingle()
        if !observers.isEmpty { message = try await observers.received(message) }
        return RPCResponse(
            message: message, initialMetadata: try await call.initialMetadata(), trailingMetadata: await call.trailingMetadata())
    }

    /// Starts a client-streaming call.
    public func clientStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> ClientStreamingCall<Req, Resp> {
        var options = options
        let (call, observers) = try await makeCall(path: path, kind: .clientStreaming, options: &options)
        let owner = ClientCallOwner(call)
        try await connection.start(call, path: path, options: options)
        return ClientStreamingCall(owner: owner, observers: observers)
    }

    /// Starts a server-streaming call with its one request.
    public func serverStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> ServerStreamingCall<Resp> {
        var options = options
        let (call, observers) = try await makeCall(path: path, kind: .serverStreaming, options: &options)
        let owner = ClientCallOwner(call)
        try await start(call, path: path, options: options, soleRequest: try await intercepted(request, call, observers))
        return ServerStreamingCall(owner: owner, observers: observers)
    }

    /// Starts a bidirectional-streaming call.
    public func bidiStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, as: Resp.Type = Resp.self, options: CallOptions = .defaults
    ) async throws(RPCError) -> BidiStreamingCall<Req, Resp> {
        var options = options
        let (call, observers) = try await makeCall(path: path, kind: .bidiStreaming, options: &options)
        let owner = ClientCallOwner(call)
        try await connection.start(call, path: path, options: options)
        return BidiStreamingCall(owner: owner, observers: observers)
    }
}
