import CSignalWatch
import Synchronization

/// Routes process signals to the servers that asked for them.
///
/// Signals are caught with `sigaction`: the handler (C, in CSignalWatch) only writes the signal
/// number to a pipe, and a dedicated thread reads it and calls ``received(_:)`` on an ordinary
/// thread. Nothing is blocked with `sigprocmask`, so the signal may land on any thread (Swift's
/// pool threads included). A watcher fires once; when a signal has no watcher left its previous
/// disposition is put back, so a second Ctrl-C during a graceful shutdown ends the process as usual.
enum SignalWatcher {
    private struct Watcher {
        var signals: Set<Int32>
        var action: @Sendable (ShutdownSignal) -> Void
    }
    private struct State {
        var started = false
        var nextID: UInt64 = 0
        var watchers: [UInt64: Watcher] = [:]
        var installed: Set<Int32> = []
    }
    private static let state = Mutex(State())

    /// Calls `action` (once, on the signal thread) when the first of `signals` arrives; returns the
    /// watcher's id for ``unwatch(_:)``.
    /// - Throws: ``RPCError`` INVALID_ARGUMENT for a signal that cannot be caught; INTERNAL when the
    ///   watcher thread cannot start.
    static func watch(
        _ signals: [ShutdownSignal], action: @escaping @Sendable (ShutdownSignal) -> Void
    ) throws(RPCError) -> UInt64 {
        let result = state.withLock { s -> Result<UInt64, RPCError> in
            if !s.started {
                let e = h2rpc_signal_watch_start { signo in SignalWatcher.received(signo) }
                if e != 0 {
                    return .failure(RPCError(code: .internal, message: "cannot start the signal thread (errno \(e))"))
                }
                s.started = true
            }
            for signal in signals where !s.installed.contains(signal.rawValue) {
                let e = h2rpc_signal_install(signal.rawValue)
                if e != 0 {
                    restoreUnwatched(&s)
                    return .failure(RPCError(code: .invalidArgument, message: "cannot catch \(signal) (errno \(e))"))
                }
                s.installed.insert(signal.rawValue)
            }
            let id = s.nextID
            s.nextID += 1
            s.watchers[id] = Watcher(signals: Set(signals.map(\.rawValue)), action: action)
            return .success(id)
        }
        return try result.get()
    }

    /// Forgets a watcher (no-op once it fired).
    static func unwatch(_ id: UInt64) {
        state.withLock { s in
            s.watchers[id] = nil
            restoreUnwatched(&s)
        }
    }

    /// The signal thread's entry: fires and forgets every watcher of `signo`.
    private static func received(_ signo: Int32) {
        let actions = state.withLock { s -> [@Sendable (ShutdownSignal) -> Void] in
            let ids = s.watchers.filter { $0.value.signals.contains(signo) }.map(\.key)
            let actions = ids.compactMap { s.watchers.removeValue(forKey: $0)?.action }
            restoreUnwatched(&s)
            return actions
        }
        for action in actions { action(ShutdownSignal(rawValue: signo)) }
    }

    /// Puts back the previous disposition of every installed signal no watcher wants.
    private static func restoreUnwatched(_ s: inout State) {
        let wanted = s.watchers.values.reduce(into: Set<Int32>()) { $0.formUnion($1.signals) }
        for signo in s.installed.subtracting(wanted) {
            _ = h2rpc_signal_restore(signo)
            s.installed.remove(signo)
        }
    }
}
