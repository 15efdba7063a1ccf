import Synchronization

extension RPCServer {
    /// Starts on `host:port` and returns when the server has shut down, shutting it down gracefully
    /// (``shutdown(gracePeriod:)``) on the first of `shutdownSignals` or when the task is cancelled.
    ///
    /// ```swift
    /// try await server.run(port: 8080, shutdownSignals: [.interrupt, .terminate])
    /// ```
    /// While it runs, those signals no longer end the process at once; after the first one they
    /// do again (a second Ctrl-C cuts the grace period short), and when `run` returns they are
    /// handled as before it was called.
    /// Cancelling the task also shuts the server down gracefully; `run` then throws CANCELLED, as
    /// ``run(host:port:)`` does.
    /// - Throws: ``RPCError`` as ``start(host:port:)``; INVALID_ARGUMENT for a signal that cannot be
    ///   caught; CANCELLED when the task was cancelled.
    public func run(host: String = "127.0.0.1", port: Int, shutdownSignals: [ShutdownSignal]) async throws(RPCError) {
        // A signal and a cancellation start one shutdown between them.
        let once = Atomic<Bool>(false)
        let logger = core.logger
        let id = try SignalWatcher.watch(shutdownSignals) { [self] signal in
            logger.notice("received \(signal): shutting down gracefully")
            if !once.exchange(true, ordering: .relaxed) { Task { await self.shutdown() } }
        }
        defer { SignalWatcher.unwatch(id) }
        try await start(host: host, port: port)
        await withTaskCancellationHandler {
            await waitUntilShutDown()
        } onCancel: {
            if !once.exchange(true, ordering: .relaxed) { Task { await self.shutdown() } }
        }
        if Task.isCancelled { throw RPCError(code: .cancelled, message: "server run cancelled") }
    }

    /// From now on, the first of `signals` starts a graceful shutdown (``shutdown(gracePeriod:)``);
    /// returns at once. The returned id stops the watch: ``stopShutdownOnSignals(_:)``.
    /// - Throws: ``RPCError`` INVALID_ARGUMENT for a signal that cannot be caught.
    @discardableResult
    public func shutdownOnSignals(
        _ signals: [ShutdownSignal] = [.interrupt, .terminate]
    ) throws(RPCError) -> SignalWatch {
        let logger = core.logger
        let id = try SignalWatcher.watch(signals) { [self] signal in
            logger.notice("received \(signal): shutting down gracefully")
            Task { await self.shutdown() }
        }
        return SignalWatch(id: id)
    }

    /// Stops a watch that ``shutdownOnSignals(_:)`` started (no-op once a signal fired it).
    public func stopShutdownOnSignals(_ watch: SignalWatch) { SignalWatcher.unwatch(watch.id) }

    /// A watch started by ``shutdownOnSignals(_:)``.
    public struct SignalWatch: Sendable, Hashable {
        let id: UInt64
    }
}
