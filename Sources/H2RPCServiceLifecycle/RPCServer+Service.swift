public import H2RPC
public import ServiceLifecycle
import Synchronization

/// An ``RPCServer`` with the address it listens on, as a swift-service-lifecycle `Service`:
///
/// ```swift
/// let server = RPCServer(services: [EchoService()])
/// let group = ServiceGroup(services: [server.service(port: 8080)], gracefulShutdownSignals: [.sigterm], logger: logger)
/// try await group.run()
/// ```
/// `run()` starts the server and returns once it has shut down: on the group's graceful shutdown
/// it stops accepting, lets calls in flight finish (``RPCServer/Configuration/shutdownGracePeriod``)
/// and returns; on task cancellation (first) it closes every connection at once. A cancellation
/// that comes during a graceful shutdown does not cut its grace period short.
public final class RPCServerService: Service, Sendable {
    /// The server this service runs.
    public let server: RPCServer
    /// The address it binds.
    public let host: String
    /// The port it binds (0: any free port; see ``listeningPort``).
    public let port: Int

    private enum Listening {
        case waiting([UInt64: CheckedContinuation<Int, any Error>])
        case bound(Int)
        case failed(RPCError)
    }
    private let listening = Mutex<(state: Listening, nextWaiter: UInt64)>((.waiting([:]), 0))

    /// A service that runs `server` on `host:port`.
    public init(server: RPCServer, host: String = "127.0.0.1", port: Int) {
        self.server = server
        self.host = host
        self.port = port
    }

    /// Starts the server and returns once it has shut down (graceful shutdown of the group, or
    /// cancellation).
    /// - Throws: ``RPCError`` when the server cannot start (address in use, already started).
    public func run() async throws {
        let bound: Int
        do {
            bound = try await server.start(host: host, port: port)
        } catch {
            resolve(.failed(error))
            throw error
        }
        resolve(.bound(bound))
        let server = self.server
        // Graceful shutdown and cancellation start one shutdown between them: whichever comes first.
        let once = Atomic<Bool>(false)
        await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await server.waitUntilShutDown()
            } onCancel: {
                if !once.exchange(true, ordering: .relaxed) { Task { await server.shutdown(gracePeriod: .zero) } }
            }
        } onGracefulShutdown: {
            if !once.exchange(true, ordering: .relaxed) { Task { await server.shutdown() } }
        }
    }

    /// The port the server listens on, once ``run()`` has started it (waits until then).
    /// - Throws: the ``RPCError`` the start failed with; `CancellationError` when the waiting task is cancelled.
    public var listeningPort: Int {
        get async throws {
            let id = listening.withLock { l -> UInt64 in
                l.nextWaiter += 1
                return l.nextWaiter
            }
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (c: CheckedContinuation<Int, any Error>) in
                    let now = listening.withLock { l -> Result<Int, any Error>? in
                        switch l.state {
                        case .bound(let port): return .success(port)
                        case .failed(let error): return .failure(error)
                        case .waiting(var waiters):
                            if Task.isCancelled { return .failure(CancellationError()) }
                            waiters[id] = c
                            l.state = .waiting(waiters)
                            return nil
                        }
                    }
                    if let now { c.resume(with: now) }
                }
            } onCancel: {
                let waiter = listening.withLock { l -> CheckedContinuation<Int, any Error>? in
                    guard case .waiting(var waiters) = l.state, let c = waiters.removeValue(forKey: id) else {
                        return nil
                    }
                    l.state = .waiting(waiters)
                    return c
                }
                waiter?.resume(throwing: CancellationError())
            }
        }
    }

    private func resolve(_ outcome: Listening) {
        let waiters = listening.withLock { l -> [CheckedContinuation<Int, any Error>] in
            guard case .waiting(let waiters) = l.state else { return [] }
            l.state = outcome
            return Array(waiters.values)
        }
        for w in waiters {
            switch outcome {
            case .bound(let port): w.resume(returning: port)
            case .failed(let error): w.resume(throwing: error)
            case .waiting: break
            }
        }
    }
}

extension RPCServer {
    /// This server on `host:port` as a swift-service-lifecycle `Service`, for a `ServiceGroup`.
    public func service(host: String = "127.0.0.1", port: Int) -> RPCServerService {
        RPCServerService(server: self, host: host, port: port)
    }
}
