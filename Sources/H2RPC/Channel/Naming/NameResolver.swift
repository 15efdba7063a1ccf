import EventIO
import Synchronization

/// Keeps a target's address list current: resolves once when `updates()` starts, again when
/// `resolveNow()` is called (a connection failed or was lost) and, when configured, every
/// `refreshInterval`; failed lookups are retried with exponential backoff.
///
/// Resolutions are at least `minimumInterval` apart (gRPC: 30 s), so that a burst of failing
/// connections causes one lookup, not one each; requests in between are merged into one.
public final class NameResolver: Sendable {
    /// When lookups happen.
    public struct Configuration: Sendable {
        /// Look up again this long after a successful lookup even without a request; nil (gRPC's
        /// default): only on request.
        public var refreshInterval: Duration?
        /// Shortest time between two lookups.
        public var minimumInterval: Duration
        /// First wait after a failed lookup, growing ×1.6 per failure up to `maximumFailureBackoff`.
        public var initialFailureBackoff: Duration
        /// Longest wait after failed lookups.
        public var maximumFailureBackoff: Duration

        /// gRPC's defaults: no periodic refresh, 30 s between lookups, 1 s…120 s after failures.
        public init(
            refreshInterval: Duration? = nil, minimumInterval: Duration = .seconds(30),
            initialFailureBackoff: Duration = .seconds(1), maximumFailureBackoff: Duration = .seconds(120)
        ) {
            self.refreshInterval = refreshInterval
            self.minimumInterval = minimumInterval
            self.initialFailureBackoff = initialFailureBackoff
            self.maximumFailureBackoff = maximumFailureBackoff
        }
    }

    /// One lookup's outcome.
    public typealias Update = Result<[ResolvedAddress], NameResolutionError>

    /// The target resolved.
    public let target: RPCTarget
    /// When lookups happen.
    public let configuration: Configuration
    private let lookUp: @Sendable () async throws(NameResolutionError) -> [ResolvedAddress]
    private let sleep: @Sendable (Duration) async throws -> Void
    private let requests: AsyncStream<Void>
    private let requestSink: AsyncStream<Void>.Continuation
    /// Completed when the lookups of `updates()` stopped (its consumer went away or was cancelled).
    let stopped = Promise<Void>()

    /// A resolver for `target`.
    public convenience init(target: RPCTarget, configuration: Configuration = Configuration()) {
        self.init(
            target: target, configuration: configuration,
            lookUp: { () async throws(NameResolutionError) in try await target.resolve() },
            sleep: { try await Task.sleep(for: $0) })
    }

    /// A resolver with its lookup and its waits supplied (tests drive time through `sleep`).
    init(
        target: RPCTarget, configuration: Configuration,
        lookUp: @escaping @Sendable () async throws(NameResolutionError) -> [ResolvedAddress],
        sleep: @escaping @Sendable (Duration) async throws -> Void
    ) {
        self.target = target
        self.configuration = configuration
        self.lookUp = lookUp
        self.sleep = sleep
        (requests, requestSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a new lookup (soon, respecting `minimumInterval`). Requests made before the next
    /// lookup starts are merged.
    public func resolveNow() { requestSink.yield() }

    /// The lookups' outcomes, the first at once. Resolution runs while this sequence is iterated
    /// and stops when the iterating task is cancelled or drops the sequence. One consumer only.
    public func updates() -> AsyncStream<Update> {
        AsyncStream { continuation in
            let task = Task { await self.run(continuation) }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    private func run(_ out: AsyncStream<Update>.Continuation) async {
        var backoff = configuration.initialFailureBackoff
        var pending = requests.makeAsyncIterator()
        while !Task.isCancelled {
            let update: Update
            do throws(NameResolutionError) {
                update = .success(try await lookUp())
            } catch {
                update = .failure(error)
            }
            if case .failure(let error) = update, error.kind == .cancelled { break }
            out.yield(update)
            do {
                if configuration.minimumInterval > .zero { try await sleep(configuration.minimumInterval) }
                switch update {
                case .success:
                    backoff = configuration.initialFailureBackoff
                    if let refresh = configuration.refreshInterval {
                        let remaining = refresh - configuration.minimumInterval
                        guard await waitForRequest(&pending, orAfter: remaining > .zero ? remaining : .zero) else {
                            break
                        }
                    } else {
                        guard await pending.next() != nil else { break }
                    }
                case .failure:
                    // Retried after the backoff even without a request.
                    try await sleep(backoff)
                    backoff = min(Duration(inSeconds: backoff.inSeconds * 1.6), configuration.maximumFailureBackoff)
                }
            } catch {
                break  // cancelled while waiting
            }
        }
        out.finish()
        stopped.complete(())
    }

    /// Waits until a request arrives or `delay` passes; false when cancelled.
    private func waitForRequest(_ pending: inout AsyncStream<Void>.Iterator, orAfter delay: Duration) async -> Bool {
        if delay == .zero { return !Task.isCancelled }
        let sleep = self.sleep
        let timer = Task { try await sleep(delay) }
        // A request or the timer, whichever comes first, ends the wait: the timer yields a request.
        let requestSink = self.requestSink
        let forward = Task {
            if (try? await timer.value) != nil { requestSink.yield() }
        }
        defer {
            timer.cancel()
            forward.cancel()
        }
        return await withTaskCancellationHandler {
            await pending.next() != nil
        } onCancel: {
            timer.cancel()
        }
    }
}
