import EventIO
import H2
import Logging
import Synchronization

/// A gRPC server: serves the given services over HTTP/2 (plaintext, h2c with prior knowledge).
///
/// ```swift
/// let server = RPCServer(services: [EchoService()])
/// try await server.run(port: 8080)   // until shutdown() is called
/// ```
public final class RPCServer: Sendable {
    let core: ServerCore
    private let connections = ServerConnections()
    private struct Running {
        var group: EventLoopGroup?
        var listener: TCPListener?
        var stopped = false
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }
    private let running = Mutex(Running())

    /// A server for `services`, with `interceptors` around every call (first = outermost).
    public init(
        services: [any RPCService], interceptors: [any ServerInterceptor] = [], configuration: Configuration = Configuration()
    ) {
        core = ServerCore(services: services, interceptors: interceptors, configuration: configuration)
    }

    /// RPCs in flight right now.
    public var activeRPCs: Int { core.activeRPCs }

    /// Open client connections right now.
    public var connectionCount: Int { connections.count }

    /// Starts listening on `host:port` (port 0: any free port) and returns the bound port.
    /// - Throws: ``RPCError`` UNAVAILABLE when the address cannot be bound, FAILED_PRECONDITION when already started.
    @discardableResult
    public func start(host: String = "127.0.0.1", port: Int) async throws(RPCError) -> Int {
        let address: SocketAddress
        do {
            address = try SocketAddress(host: host, port: port)
        } catch {
            throw RPCError(code: .invalidArgument, message: "cannot use address \(host):\(port): \(error)")
        }
        let group: EventLoopGroup
        do {
            group = try EventLoopGroup(
                loopCount: core.configuration.loopCount ?? EventLoopGroup.coreCount, busyPoll: core.configuration.busyPoll)
        } catch {
            throw RPCError(code: .unavailable, message: "cannot start event loops: \(error)")
        }
        var configured = H2Configuration()
        configured.gracefulShutdownTimeout = core.configuration.shutdownGracePeriod
        let h2 = configured
        let core = self.core
        let connections = self.connections
        let listener: TCPListener
        do {
            listener = try TCPListener.bind(to: address, group: group) { tcp in
                let delegate = ServerConnectionDelegate(connections: connections, logger: core.logger)
                let connection = H2Connection.accept(tcp, configuration: h2, delegate: delegate) { stream, head in
                    let call = ServerStream(loop: stream.loop, core: core, io: stream)
                    call.receivedHeaders(head.fields, endStream: false)
                    return call
                }
                if !connections.add(connection) { connection.close(.noError) }
            }
        } catch {
            group.shutdown()
            throw RPCError(code: .unavailable, message: "cannot listen on \(host):\(port): \(error)")
        }
        let alreadyRunning = running.withLock { r -> Bool in
            if r.listener != nil || r.stopped { return true }
            r.group = group
            r.listener = listener
            return false
        }
        if alreadyRunning {
            await listener.close()
            group.shutdown()
            throw RPCError(code: .failedPrecondition, message: "server already started")
        }
        core.logger.info("serving on \(host):\(listener.localAddress.port)")
        return listener.localAddress.port
    }

    /// Starts on `host:port` and returns when the server has shut down (``shutdown(gracePeriod:)``).
    public func run(host: String = "127.0.0.1", port: Int) async throws(RPCError) {
        try await start(host: host, port: port)
        await waitUntilShutDown()
    }

    /// Returns once the server has shut down.
    public func waitUntilShutDown() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = running.withLock { r -> Bool in
                if r.stopped { return true }
                r.stopWaiters.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    /// Graceful shutdown: stops accepting, sends GOAWAY on every connection, lets calls in flight
    /// finish for up to `gracePeriod` (default: the configuration's), then closes what is left.
    public func shutdown(gracePeriod: Duration? = nil) async {
        let (listener, group) = running.withLock { r in (r.listener, r.group) }
        await listener?.close()
        let grace = gracePeriod ?? core.configuration.shutdownGracePeriod
        let connections = self.connections
        await withTaskGroup(of: Bool.self) { tasks in
            tasks.addTask {
                await connections.drain()
                return true
            }
            tasks.addTask {
                try? await Task.sleep(for: grace)
                return false
            }
            if await tasks.next() == false { connections.closeAll() }
            tasks.cancelAll()
            // The drain finishes once closeAll's connections report their close.
            await tasks.waitForAll()
        }
        group?.shutdown()
        let waiters = running.withLock { r -> [CheckedContinuation<Void, Never>] in
            r.stopped = true
            r.listener = nil
            r.group = nil
            defer { r.stopWaiters = [] }
            return r.stopWaiters
        }
        for w in waiters { w.resume() }
    }
}
