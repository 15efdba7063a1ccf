import EventIO
import H2
import Logging
import Synchronization

/// The open connections of a server, for graceful shutdown: GOAWAY to each, wait for their calls
/// to finish, then close whatever is left after the grace period.
final class ServerConnections: Sendable {
    private struct State {
        var connections: [ObjectIdentifier: H2Connection] = [:]
        var draining = false
        var drained: [CheckedContinuation<Void, Never>] = []
    }
    private let state = Mutex(State())

    /// Registers a connection; false when the server is already shutting down.
    func add(_ connection: H2Connection) -> Bool {
        state.withLock { s in
            guard !s.draining else { return false }
            s.connections[ObjectIdentifier(connection)] = connection
            return true
        }
    }

    func remove(_ connection: H2Connection) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.connections[ObjectIdentifier(connection)] = nil
            guard s.draining, s.connections.isEmpty else { return [] }
            defer { s.drained = [] }
            return s.drained
        }
        for w in waiters { w.resume() }
    }

    var count: Int { state.withLock { $0.connections.count } }

    /// GOAWAY on every connection; returns once all closed.
    func drain() async {
        let connections = state.withLock { s -> [H2Connection] in
            s.draining = true
            return Array(s.connections.values)
        }
        for c in connections { c.shutdownGracefully() }
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            let done = state.withLock { s -> Bool in
                if s.connections.isEmpty { return true }
                s.drained.append(c)
                return false
            }
            if done { c.resume() }
        }
    }

    /// Closes every connection at once.
    func closeAll() {
        let connections = state.withLock { Array($0.connections.values) }
        for c in connections { c.close(.noError) }
    }
}

/// Forgets a connection when it closes.
final class ServerConnectionDelegate: H2ConnectionDelegate {
    let connections: ServerConnections
    let logger: Logger

    init(connections: ServerConnections, logger: Logger) {
        self.connections = connections
        self.logger = logger
    }

    func connection(_ connection: H2Connection, didClose error: H2Error?) {
        if let error { logger.debug("connection from \(String(describing: connection.remoteAddress)) closed: \(error)") }
        connections.remove(connection)
    }
}
