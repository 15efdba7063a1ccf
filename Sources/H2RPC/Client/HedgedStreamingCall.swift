import EventIO
import Synchronization

/// A streaming call (client-, server- or bidirectional-streaming) under a hedging policy (gRFC
/// A6), seen by the caller as one call. It is the transport of the call the caller sends on.
///
/// The first attempt starts with the call, another every `hedgingDelay` while the call is not
/// committed (up to `maxAttempts`, while retry throttling allows), each a new stream on a
/// connection picked afresh carrying `grpc-previous-rpc-attempts`. Every request message is kept
/// (framed) and sent to every attempt in order, each attempt from its own sending task, so a slow
/// attempt does not hold the others back; a later attempt is sent what was kept so far, then what
/// follows, and the request side is closed on every attempt once the caller closed it.
///
/// The call commits to the first attempt whose response headers arrive, or to an attempt whose
/// failure is final (a status not listed as non-fatal, or the last attempt); a non-fatal failure
/// starts the next attempt at once (or after the server's pushback). A message that does not fit
/// the retry buffer (the call's or the channel's limit) commits the call to the oldest running
/// attempt. The other attempts are then cancelled (RST_STREAM CANCEL); the committed one sends what
/// it has not sent yet of the kept messages, which are then freed, and later messages go straight
/// to it. The caller's reads and metadata come from the committed attempt.
final class HedgedStreamingCall: CommittingCallTransport, Sendable {
    private let channel: RPCChannel
    private let path: String
    private let options: CallOptions
    private let deadline: ContinuousClock.Instant?
    private let observers: ClientObservers
    private let kept: Mutex<CallRetryBuffer>
    private let state = WaitableState(State())
    /// The task that starts attempts and decides about them.
    private let coordinator = Mutex<Task<Void, Never>?>(nil)

    private final class Attempt: Sendable {
        let call: ClientCall
        /// Passes the attempt's end on to the observers once the call committed to it.
        let end: AttemptEnd
        init(call: ClientCall, end: AttemptEnd) {
            self.call = call
            self.end = end
        }
    }

    private struct State {
        /// The framed request messages sent so far, until the committed attempt sent them all.
        var messages: [[UInt8]] = []
        /// The caller closed the request side (after `messages`).
        var halfClosed = false
        /// Attempts started and not ended (before the call commits).
        var live: [Attempt] = []
        /// How far each attempt whose sending task still runs got.
        var progress: [ObjectIdentifier: Progress] = [:]
        var committed: Attempt?
        /// The observers were told which attempt the call committed to: it may be read from.
        var committedTold = false
        /// Why the call ended before it committed (it was cancelled).
        var cancelled: RPCError?

        struct Progress {
            /// Messages of `messages` sent.
            var sent = 0
            /// The request side was closed after them.
            var closed = false
        }

        /// The committed attempt sent every kept message (and the half-close if there was one),
        /// or stopped sending: the caller sends on it directly.
        var drained: Bool {
            guard let committed else { return false }
            guard let progress = progress[ObjectIdentifier(committed)] else { return true }
            return progress.sent == messages.count && (progress.closed || !halfClosed)
        }

        /// Commits to `attempt` (if nothing else did): returns the attempts to cancel.
        mutating func commit(to attempt: Attempt, kept: borrowing Mutex<CallRetryBuffer>) -> [Attempt]? {
            guard committed == nil, cancelled == nil else { return nil }
            committed = attempt
            let losers = live.filter { $0 !== attempt }
            live = [attempt]
            // The committed call keeps nothing for other attempts: the retry buffer is given back
            // now, the messages themselves live until the committed attempt sent them.
            kept.withLock { $0.release() }
            releaseIfDrained()
            return losers
        }

        /// Once the committed attempt sent everything kept, frees it (and that attempt's sending
        /// task stops).
        mutating func releaseIfDrained() {
            guard drained, let committed else { return }
            progress[ObjectIdentifier(committed)] = nil
            messages = []
        }
    }

    init(channel: RPCChannel, path: String, options: CallOptions, observers: ClientObservers) {
        self.channel = channel
        self.path = path
        self.options = options
        self.deadline = options.timeout.map { ContinuousClock.now + $0 }
        self.observers = observers
        kept = Mutex(CallRetryBuffer(budget: channel.retryBuffer))
    }

    /// Opens the first attempt and starts the task that hedges.
    func start(policy: HedgingPolicy) async {
        let first = await openAttempt(previousAttempts: 0)
        register(first)
        let task = Task { await self.coordinate(policy: policy, first: first) }
        coordinator.withLock { $0 = task }
    }

    /// The attempt the call committed to, once it did. A cancelled wait cancels the call and
    /// throws CANCELLED.
    func committedCall() async throws(RPCError) -> ClientCall {
        let result: Result<ClientCall, RPCError>
        do {
            result = try await state.wait { s -> Result<ClientCall, RPCError>? in
                if let error = s.cancelled { return .failure(error) }
                if s.committedTold, let attempt = s.committed { return .success(attempt.call) }
                return nil
            }
        } catch {
            let cancelled = RPCError(code: .cancelled, message: "cancelled while waiting for the response")
            cancel(status: cancelled)
            throw cancelled
        }
        return try result.get()
    }

    // MARK: - ClientCallTransport (the caller's side)

    func sendMessage(_ framed: [UInt8], endStream: Bool) async throws(RPCError) {
        enum Route {
            case kept
            case direct(ClientCall)
            case overflowed(Attempt, losers: [Attempt])
            case ended(RPCError)
        }
        let route: Route
        do {
            route = try await state.wait { s -> Route? in
                if let error = s.cancelled { return .ended(error) }
                if s.committed != nil {
                    // Messages kept earlier go first.
                    guard s.drained, let committed = s.committed else { return nil }
                    return .direct(committed.call)
                }
                if kept.withLock({ $0.keep(framed.count) }) {
                    s.messages.append(framed)
                    if endStream { s.halfClosed = true }
                    return .kept
                }
                // Larger than the retry buffer allows: the oldest running attempt (the one that
                // got furthest) takes the call. None running: wait for the next.
                guard let oldest = s.live.first, let losers = s.commit(to: oldest, kept: kept) else { return nil }
                return .overflowed(oldest, losers: losers)
            }
        } catch {
            throw RPCError(code: .cancelled, message: "cancelled while sending")
        }
        switch route {
        case .kept:
            // The attempts' sending tasks wait for it (a change made while taking a wait's value
            // wakes no one).
            state.update { _ in }
        case .ended(let error):
            throw error
        case .direct(let call):
            try await call.send(framed: framed, endStream: endStream)
        case .overflowed(let attempt, let losers):
            finishCommit(attempt, losers: losers)
            try await sendMessage(framed, endStream: endStream)
        }
    }

    func halfClose() {
        let direct = state.update { s -> ClientCall? in
            guard s.cancelled == nil else { return nil }
            if s.drained, let committed = s.committed { return committed.call }
            s.halfClosed = true
            return nil
        }
        direct?.halfClose()
    }

    func cancel(status: RPCError) {
        let (calls, uncommitted) = state.update { s -> ([ClientCall], Bool) in
            guard s.cancelled == nil else { return ([], false) }
            if let committed = s.committed { return ([committed.call], false) }
            s.cancelled = status
            s.messages = []
            kept.withLock { $0.release() }
            return (s.live.map(\.call), true)
        }
        coordinator.withLock { $0 }?.cancel()
        for call in calls { call.cancel(status: status) }
        if uncommitted { observers.finished(CallEnd(error: status, trailingMetadata: Metadata())) }
    }

    // MARK: - Attempts

    private enum Event: Sendable {
        case head(Attempt, Result<ResponseHead, RPCError>)
        case timer
        case stopped
    }

    /// Starts attempts `hedgingDelay` apart and decides on each attempt's response head.
    private func coordinate(policy: HedgingPolicy, first: Attempt) async {
        var hedging = HedgingState(policy: policy, throttle: channel.throttle)
        await withTaskGroup(of: Event.self) { group in
            func watch(_ attempt: Attempt) {
                group.addTask {
                    guard let head = try? await attempt.call.waitForHead() else { return .stopped }
                    return .head(attempt, head)
                }
            }
            func launch(previousAttempts: Int) {
                group.addTask {
                    let attempt = await self.openAttempt(previousAttempts: previousAttempts)
                    guard self.register(attempt) else { return .stopped }
                    guard let head = try? await attempt.call.waitForHead() else { return .stopped }
                    return .head(attempt, head)
                }
            }
            func schedule(after delay: Duration) {
                group.addTask {
                    do { try await Task.sleep(for: delay) } catch { return .stopped }
                    return .timer
                }
            }
            watch(first)
            schedule(after: hedging.hedgingDelay)
            var running = 1
            while let event = await group.next() {
                if let committed = state.withLock({ $0.cancelled == nil ? $0.committed : nil }) {
                    // Committed by a message the buffer could not take.
                    group.cancelAll()
                    if case .head(let attempt, .success) = event, attempt === committed {
                        await recordEnd(of: committed, &hedging)
                    }
                    return
                }
                switch event {
                case .stopped:
                    if Task.isCancelled { return }
                    running -= 1
                case .timer:
                    guard hedging.startNext() else { continue }
                    launch(previousAttempts: hedging.started - 1)
                    running += 1
                    schedule(after: hedging.hedgingDelay)
                    continue
                case .head(let attempt, .success):
                    group.cancelAll()
                    commit(attempt)
                    await recordEnd(of: attempt, &hedging)
                    return
                case .head(let attempt, .failure(let error)):
                    running -= 1
                    state.update { s in s.live.removeAll { $0 === attempt } }
                    switch hedging.decide(after: AttemptOutcome(failure: error, committed: false)) {
                    case .commit:
                        group.cancelAll()
                        commit(attempt)
                        return
                    case .hedgeNow:
                        if hedging.startNext() {
                            launch(previousAttempts: hedging.started - 1)
                            running += 1
                        }
                    case .hedge(let delay):
                        schedule(after: delay)
                    case .wait:
                        break
                    }
                    if running == 0, !hedging.canStartMore {
                        group.cancelAll()
                        commit(attempt)
                        return
                    }
                }
            }
        }
    }

    /// A call committed on its response headers that ends OK gives the retry throttle its share back.
    private func recordEnd(of attempt: Attempt, _ hedging: inout HedgingState) async {
        if let end = try? await attempt.call.ended(), end.error == nil {
            _ = hedging.decide(after: AttemptOutcome(status: .ok))
        }
    }

    /// Adds a started attempt to the running ones and starts its sending task; false (and the
    /// attempt cancelled) when the call committed or was cancelled meanwhile.
    @discardableResult
    private func register(_ attempt: Attempt) -> Bool {
        let registered = state.update { s -> Bool in
            guard s.committed == nil, s.cancelled == nil else { return false }
            s.live.append(attempt)
            s.progress[ObjectIdentifier(attempt)] = State.Progress()
            return true
        }
        guard registered else {
            attempt.call.cancel(status: RPCError(code: .cancelled, message: "the hedged call already committed"))
            return false
        }
        Task { await self.send(to: attempt) }
        return true
    }

    /// Sends the kept messages to `attempt` in order, and those that follow, and closes its request
    /// side after them once the caller did; ends when the attempt fails, when the call commits to
    /// another attempt, or once this committed attempt sent everything kept.
    private func send(to attempt: Attempt) async {
        enum Step {
            case send([UInt8])
            case close
            case stop
        }
        let id = ObjectIdentifier(attempt)
        var next = 0
        var closed = false
        loop: while true {
            let step = try? await state.wait { s -> Step? in
                if s.cancelled != nil { return .stop }
                if let committed = s.committed {
                    // Committed to another attempt, or everything kept was sent: done.
                    if committed !== attempt || s.progress[id] == nil { return .stop }
                }
                if next < s.messages.count { return .send(s.messages[next]) }
                if s.halfClosed, !closed { return .close }
                return nil
            }
            switch step {
            case .send(let framed)?:
                // A failed attempt takes no more messages.
                do { try await attempt.call.send(framed: framed, endStream: false) } catch { break loop }
                next += 1
            case .close?:
                closed = true
                attempt.call.halfClose()
            case .stop?, nil:
                break loop
            }
            state.update { s in
                s.progress[id]?.sent = next
                s.progress[id]?.closed = closed
                s.releaseIfDrained()
            }
        }
        state.update { s in
            s.progress[id] = nil
            s.releaseIfDrained()
        }
    }

    /// Starts an attempt (a failure to start fails its call, which its watcher then sees).
    private func openAttempt(previousAttempts: Int) async -> Attempt {
        var options = self.options
        if let deadline { options.timeout = deadline - .now }
        options.previousRPCAttempts = previousAttempts
        let end = AttemptEnd(observers)
        let call: ClientCall
        do {
            call = try channel.newCall(path: path, options: options, observers: end.observers)
        } catch {
            // The circuit breaker refused the attempt: a call that failed at once stands for it.
            call = ClientCall(
                maxReceiveMessageSize: 0, maxSendMessageSize: 0, compression: .identity,
                observer: end.observers.endObserver)
            call.fail(error)
            return Attempt(call: call, end: end)
        }
        do {
            try await channel.open(call, path: path, options: options)
        } catch {
            // `open` failed the call with this error.
        }
        return Attempt(call: call, end: end)
    }

    /// Commits the call to `attempt` and cancels the others.
    private func commit(_ attempt: Attempt) {
        guard let losers = state.update({ $0.commit(to: attempt, kept: kept) }) else { return }
        finishCommit(attempt, losers: losers)
    }

    /// After the state committed: losers are cancelled, the observers hear of the committed
    /// attempt's end (now or when it comes) before anyone can read from it.
    private func finishCommit(_ attempt: Attempt, losers: [Attempt]) {
        let lost = RPCError(code: .cancelled, message: "another hedged attempt was committed")
        for loser in losers { loser.call.cancel(status: lost) }
        attempt.end.commit()
        state.update { $0.committedTold = true }
    }
}
