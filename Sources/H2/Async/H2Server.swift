public import EventIO
import Synchronization

/// An HTTP/2 server (h2c, prior knowledge) that hands each request to an async handler running
/// on the connection's event loop.
///
/// ```swift
/// let server = try H2Server.start(port: 8080, group: group) { request, response in
///     response.sendHead([(":status", "200")])
///     for try await chunk in request.body { try await response.write(chunk) }
///     response.finish()
/// }
/// ```
public final class H2Server: Sendable {
    /// One request as the handler sees it.
    public struct Request: Sendable {
        /// The request head (pseudo-headers first).
        public let head: H2Headers
        /// The request body as it arrives.
        public let body: H2Body
        /// The client's address.
        public let remoteAddress: SocketAddress?
    }

    /// Handles one request: read `request.body`, answer through the writer. If it returns without
    /// finishing the response, the server finishes it (`200` with no body if nothing was sent);
    /// if it throws, the stream is reset with INTERNAL_ERROR.
    public typealias Handler = @Sendable (Request, H2StreamWriter) async throws -> Void

    /// The address the server listens on.
    public let localAddress: SocketAddress
    private let listener: TCPListener
    private let registry: ConnectionRegistry
    private let outputBudget: ServerOutputBudget?

    private init(listener: TCPListener, registry: ConnectionRegistry, outputBudget: ServerOutputBudget?) {
        self.listener = listener
        self.localAddress = listener.localAddress
        self.registry = registry
        self.outputBudget = outputBudget
    }

    /// Starts listening on `host:port` (port 0: any free port) and serving with `handler`.
    /// `transport` wraps each accepted connection (e.g. in TLS; nil from it closes the connection).
    /// With `maxConnections` connections open, each new one is closed as it is accepted.
    /// - Throws: `IOError` when the address cannot be bound.
    public static func start(
        host: String = "127.0.0.1", port: Int, group: EventLoopGroup,
        configuration: H2Configuration = H2Configuration(), socketOptions: SocketOptions = SocketOptions(),
        maxConnections: Int? = nil, transport: (@Sendable (TCPConnection) -> (any ByteStream)?)? = nil,
        handler: @escaping Handler
    ) throws(IOError) -> H2Server {
        try start(
            host: host, port: port, group: group, configuration: configuration, socketOptions: socketOptions,
            maxConnections: maxConnections, transport: transport
        ) {
            stream, head in
            let bridge = StreamBridge(stream: stream)
            let request = Request(head: head, body: bridge.body, remoteAddress: stream.connection.remoteAddress)
            let writer = bridge.writer
            Task.immediate(executorPreference: stream.loop.taskExecutor) {
                do {
                    try await handler(request, writer)
                    stream.finishIfOpen()
                } catch {
                    stream.reset(.internalError)
                }
            }
            return bridge
        }
    }

    /// Starts listening with a loop-layer stream handler (see `H2Connection.accept`), for callers
    /// that want per-frame callbacks instead of async handlers. A `host` of the form `unix:PATH`
    /// listens on that Unix-domain socket (port ignored). `transport` wraps each accepted
    /// connection (e.g. in TLS; nil from it closes the connection). With `maxConnections`
    /// connections open, each new one is closed as it is accepted, before any HTTP/2 or TLS work
    /// (load shedding); the open ones carry on.
    /// - Throws: `IOError` when the address cannot be bound.
    public static func start(
        host: String = "127.0.0.1", port: Int, group: EventLoopGroup,
        configuration: H2Configuration = H2Configuration(), socketOptions: SocketOptions = SocketOptions(),
        maxConnections: Int? = nil, transport: (@Sendable (TCPConnection) -> (any ByteStream)?)? = nil,
        streamHandler: @escaping @Sendable (H2Stream, H2Headers) -> any H2StreamDelegate
    ) throws(IOError) -> H2Server {
        let registry = ConnectionRegistry()
        let outputBudget = configuration.serverWriteHighWaterMark.map { ServerOutputBudget(limit: $0) }
        let address =
            host.hasPrefix("unix:")
            ? try SocketAddress(unixPath: String(host.dropFirst(5))) : try SocketAddress(host: host, port: port)
        let listener = try TCPListener.bind(to: address, group: group, options: socketOptions) { tcp in
            guard !registry.isShuttingDown, registry.admit(limit: maxConnections) else {
                tcp.close()
                return
            }
            tcp.maxReadPerTurn = configuration.maxInputPerLoopTurn
            let stream: any ByteStream
            if let transport {
                guard let wrapped = transport(tcp) else {
                    registry.leave()
                    tcp.close()
                    return
                }
                stream = wrapped
            } else {
                stream = tcp
            }
            let connection = H2Connection.accept(
                stream, configuration: configuration, delegate: registry, serverBudget: outputBudget,
                streamHandler: streamHandler)
            registry.add(connection)
        }
        return H2Server(listener: listener, registry: registry, outputBudget: outputBudget)
    }

    /// Connections currently open.
    public var connectionCount: Int { registry.count }

    /// Queued outbound bytes the connections have charged to the server-wide budget
    /// (`H2Configuration.serverWriteHighWaterMark`; 0 without one), for tests and metrics.
    package var queuedOutputBytes: Int { outputBudget?.chargedBytes ?? 0 }
    /// The most `queuedOutputBytes` has been since the server started.
    package var peakQueuedOutputBytes: Int { outputBudget?.peakChargedBytes ?? 0 }

    /// Returns once exactly `count` connections are open (for tests).
    /// - Throws: `CancellationError` when the task is cancelled first.
    package func waitForConnectionCount(_ count: Int) async throws(CancellationError) {
        try await registry.waitForCount(count)
    }

    /// Stops accepting, sends GOAWAY to every connection, lets streams in flight finish, and
    /// returns when every connection is closed. Connections still open after `gracePeriod` are
    /// closed then; without one each connection closes itself after
    /// `H2Configuration.gracefulShutdownTimeout`. When the task is cancelled it returns at once
    /// (the connections carry on closing). Calling it again waits for the same end.
    public func shutdown(gracePeriod: Duration? = nil) async {
        registry.beginShutdown()
        await listener.close()
        for connection in registry.all { connection.shutdownGracefully() }
        if let gracePeriod {
            let registry = self.registry
            let drained = await withTaskGroup(of: Bool.self) { tasks in
                tasks.addTask { (try? await registry.waitUntilEmpty()) != nil }
                tasks.addTask {
                    try? await Task.sleep(for: gracePeriod)
                    return false
                }
                let first = await tasks.next() ?? false
                tasks.cancelAll()
                return first
            }
            if drained { return }
            for connection in registry.all { connection.close(.noError) }
        }
        try? await registry.waitUntilEmpty()
    }

    /// Closes every open connection now (streams in flight end with a reset), without waiting;
    /// cuts short a ``shutdown(gracePeriod:)`` in progress.
    public func closeConnections() {
        for connection in registry.all { connection.close(.noError) }
    }
}

/// The server's open connections; any thread.
final class ConnectionRegistry: H2ConnectionDelegate, Sendable {
    private struct State {
        var connections: [ObjectIdentifier: H2Connection] = [:]
        var shuttingDown = false
    }
    private let state = WaitableState(State())
    /// Connections admitted and not yet closed (counted from the accept on, before they are added).
    private let admitted = Atomic<Int>(0)

    var count: Int { state.withLock { $0.connections.count } }

    /// Takes a connection slot; false when `limit` connections are already admitted.
    func admit(limit: Int?) -> Bool {
        guard let limit else {
            admitted.add(1, ordering: .relaxed)
            return true
        }
        while true {
            let current = admitted.load(ordering: .relaxed)
            if current >= limit { return false }
            if admitted.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    /// Gives back the slot of an admitted connection that closed (or was never set up).
    func leave() { admitted.subtract(1, ordering: .relaxed) }
    var all: [H2Connection] { state.withLock { Array($0.connections.values) } }
    var isShuttingDown: Bool { state.withLock { $0.shuttingDown } }

    func add(_ connection: H2Connection) {
        state.withLock { $0.connections[ObjectIdentifier(connection)] = connection }
    }

    func beginShutdown() { state.withLock { $0.shuttingDown = true } }

    func connection(_ connection: H2Connection, didClose error: H2Error?) {
        leave()
        state.update { $0.connections.removeValue(forKey: ObjectIdentifier(connection)) }
    }

    func waitForCount(_ count: Int) async throws(CancellationError) {
        try await state.wait { $0.connections.count == count ? () : nil }
    }

    /// Returns once no connection is open.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func waitUntilEmpty() async throws(CancellationError) {
        try await state.wait { $0.connections.isEmpty ? () : nil }
    }
}

extension H2Stream {
    /// After an async handler returned: end the response if the handler left it open.
    func finishIfOpen() {
        guard loop.inEventLoop else {
            loop.execute { self.finishIfOpen() }
            return
        }
        guard !closed, !resetSubmitted else { return }
        if !headersSubmitted {
            sendHeaders([(":status", "200")], endStream: true)
        } else if !localEnded {
            finish()
        }
    }
}
