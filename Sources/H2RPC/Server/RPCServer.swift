import EventIO
import H2
import H2TLS
import Logging

/// A gRPC server: serves the given services over HTTP/2 (plaintext, h2c with prior knowledge).
///
/// ```swift
/// let server = RPCServer(services: [EchoService()])
/// try await server.run(port: 8080)   // until shutdown() is called
/// ```
public final class RPCServer: Sendable {
    let core: ServerCore
    private enum Phase {
        case idle
        case serving(H2Server, EventLoopGroup)
        case stopping(H2Server)
        case stopped
    }
    private let state = LockedValue(Phase.idle)
    /// Completed once the server has shut down.
    private let stopped = Promise<Void>()
    /// The TLS context of the running server (``reloadTLS(_:)`` swaps what is inside it).
    let tlsContext = LockedValue<TLSServerContext?>(nil)

    /// A server for `services`, with `interceptors` around every call (first = outermost).
    public init(
        services: [any RPCService], interceptors: [any ServerInterceptor] = [],
        configuration: Configuration = Configuration()
    ) {
        core = ServerCore(services: services, interceptors: interceptors, configuration: configuration)
    }

    /// RPCs in flight right now.
    public var activeRPCCount: Int { core.activeRPCCount }

    /// Returns once a handler of this server is suspended in a send because HTTP/2 flow control
    /// holds its stream (its client reads slower than it sends). Tests order their steps with it.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func waitUntilASenderWaits() async throws(CancellationError) {
        try await core.sendersWaiting.wait { $0 > 0 ? () : nil }
    }

    /// Response bytes queued on the streams of all connections, as the server-wide output budget
    /// (`http2.serverWriteHighWaterMark`) counts them. Tests read it.
    var queuedOutputBytes: Int { servingServer?.queuedOutputBytes ?? 0 }
    /// The most `queuedOutputBytes` has been since the server started.
    var peakQueuedOutputBytes: Int { servingServer?.peakQueuedOutputBytes ?? 0 }

    /// Returns once exactly `count` client connections are open (at once when not serving).
    /// - Throws: `CancellationError` when the task is cancelled first.
    func waitForConnectionCount(_ count: Int) async throws(CancellationError) {
        try await servingServer?.waitForConnectionCount(count)
    }

    private var servingServer: H2Server? {
        state.withLock { s in
            if case .serving(let server, _) = s { return server }
            return nil
        }
    }

    /// Open client connections right now.
    public var connectionCount: Int {
        state.withLock { s in
            if case .serving(let server, _) = s { return server.connectionCount }
            return 0
        }
    }

    /// Starts listening on `host:port` (port 0: any free port) and returns the bound port; with
    /// `host: "unix:/path/to.sock"`, listens on that Unix-domain socket instead (and returns 0).
    /// With ``Configuration/tls`` set, every connection is TLS.
    /// - Throws: ``RPCError`` UNAVAILABLE when the address cannot be bound, FAILED_PRECONDITION when
    ///   already started, CANCELLED when the task is cancelled (nothing is left listening then).
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int) async throws(RPCError) -> Int {
        if Task.isCancelled { throw RPCError(code: .cancelled, message: "server start cancelled") }
        do {
            if host.hasPrefix("unix:") {
                _ = try SocketAddress(unixPath: String(host.dropFirst(5)))
            } else {
                _ = try SocketAddress(host: host, port: port)
            }
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot use address \(host):\(port): \(error)")
        }
        let tls = try makeTLSContext()
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(
                loopCount: core.configuration.loopCount ?? EventLoopGroup.coreCount,
                busyPoll: core.configuration.busyPoll, clock: core.configuration.loopClock)
        } catch {
            throw RPCError(code: .unavailable, message: "cannot start event loops: \(error)")
        }
        var h2 = core.configuration.http2
        h2.gracefulShutdownTimeout = core.configuration.shutdownGracePeriod
        let core = self.core
        let server: H2Server
        do {
            var transport: (@Sendable (TCPConnection) -> (any ByteStream)?)? = nil
            if let tls {
                transport = { tcp in try? TLSByteStream(accepted: tcp, context: tls) }
            }
            server = try H2Server.start(
                host: host, port: port, group: group, configuration: h2,
                maxConnections: core.configuration.maxConnections, transport: transport
            ) {
                stream, head -> any H2StreamDelegate in
                if let (route, request) = core.configuration.httpRoute(for: head) {
                    return HTTPRouteStream(stream: stream, route: route, request: request)
                }
                let call = ServerStream(loop: stream.loop, core: core, io: stream)
                call.peer = ConnectionPeer(stream.connection)
                call.receivedHeaders(head.fields, endStream: false)
                return call
            }
        } catch {
            group.shutdown()
            throw RPCError(code: .unavailable, message: "cannot listen on \(host):\(port): \(error)")
        }
        let refusal = state.withLock { s -> RPCError? in
            guard case .idle = s else {
                return RPCError(code: .failedPrecondition, message: "server already started")
            }
            if Task.isCancelled { return RPCError(code: .cancelled, message: "server start cancelled") }
            s = .serving(server, group)
            return nil
        }
        if let refusal {
            await server.shutdown(gracePeriod: .zero)
            group.shutdown()
            throw refusal
        }
        core.logger.info("serving on \(host):\(server.localAddress.port)\(tls == nil ? "" : " (TLS)")")
        return server.localAddress.port
    }

    /// Starts on `host:port` and returns when the server has shut down (``shutdown(gracePeriod:)``).
    /// Cancelling the task shuts the server down at once (calls in flight end) and throws CANCELLED.
    public func run(host: String = "127.0.0.1", port: Int) async throws(RPCError) {
        try await start(host: host, port: port)
        do {
            try await stopped.wait()
        } catch {
            await shutdown(gracePeriod: .zero)
            throw RPCError(code: .cancelled, message: "server run cancelled")
        }
    }

    /// Returns once the server has shut down, or when the task is cancelled.
    public func waitUntilShutDown() async {
        try? await stopped.wait()
    }

    /// Graceful shutdown: stops accepting, sends GOAWAY on every connection, lets calls in flight
    /// finish for up to `gracePeriod` (default: the configuration's), then closes what is left.
    /// Called again while a shutdown is in progress, it waits for that one to end; a `gracePeriod`
    /// given then cuts the first one short when it ends sooner (`.zero`: close now).
    public func shutdown(gracePeriod: Duration? = nil) async {
        enum Role { case first(H2Server, EventLoopGroup), joining(H2Server), done }
        let role = state.withLock { s -> Role in
            switch s {
            case .serving(let server, let group):
                s = .stopping(server)
                return .first(server, group)
            case .idle:
                s = .stopped
                stopped.complete(())
                return .done
            case .stopping(let server):
                return .joining(server)
            case .stopped:
                return .done
            }
        }
        switch role {
        case .first(let server, let group):
            await server.shutdown(gracePeriod: gracePeriod ?? core.configuration.shutdownGracePeriod)
            group.shutdown()
            state.withLock { $0 = .stopped }
            stopped.complete(())
        case .joining(let server):
            if let gracePeriod { await cutShort(server, after: gracePeriod) }
            await waitUntilShutDown()
        case .done:
            await waitUntilShutDown()
        }
    }

    /// Closes `server`'s connections after `gracePeriod` unless the shutdown in progress ends first.
    private func cutShort(_ server: H2Server, after gracePeriod: Duration) async {
        let stopped = self.stopped
        let endedFirst = await withTaskGroup(of: Bool.self) { tasks in
            tasks.addTask { (try? await stopped.wait()) != nil }
            tasks.addTask {
                try? await Task.sleep(for: gracePeriod)
                return false
            }
            let first = await tasks.next() ?? true
            tasks.cancelAll()
            return first
        }
        if !endedFirst && !Task.isCancelled { server.closeConnections() }
    }
}
