import EventIO
import Synchronization

/// A streaming call under a retry policy (gRFC A6), or without one but retried transparently when
/// its stream is refused, seen by the caller as one call. It is the transport of the call the caller sends on: it keeps every request message
/// (framed) until the call commits and sends it on the current attempt. When an attempt fails with
/// a retryable status before the call committed, a new attempt starts (after the policy's backoff,
/// on a connection picked afresh, carrying `grpc-previous-rpc-attempts`), the kept messages are
/// sent on it again in order and, if the caller had closed the request side, it is closed again.
///
/// The call commits to an attempt when that attempt's response headers arrive (a response message
/// always follows headers, so the first message commits too), when a message does not fit the
/// retry buffer (the call's or the channel's limit), or when the policy makes the attempt's failure
/// final. From then on messages go straight to that attempt and are not kept, and the caller's
/// reads and metadata come from it.
final class RetriedStreamingCall: CommittingCallTransport, Sendable {
    private let channel: RPCChannel
    private let path: String
    private let options: CallOptions
    private let deadline: ContinuousClock.Instant?
    private let observers: ClientObservers
    private let kept: Mutex<CallRetryBuffer>
    private let state = WaitableState(State())
    /// The task that watches attempts and decides about retries.
    private let watcher = Mutex<Task<Void, Never>?>(nil)

    private struct Attempt {
        let call: ClientCall
        /// Passes the attempt's end on to the observers once the call committed to it.
        let end: AttemptEnd
    }

    private struct State {
        /// The framed request messages sent so far, while the call is not committed.
        var messages: [[UInt8]] = []
        /// The attempt messages go to (the committed one once the call committed).
        var attempt: Attempt?
        /// True while one task sends on the current attempt (a caller's send or a replay): keeps
        /// messages in order across a change of attempt.
        var writing = false
        /// The caller closed the request side.
        var halfClosed = false
        /// The current attempt's request side was closed.
        var attemptHalfClosed = false
        var committed = false
        /// A commit is under way (its observers are being told); `committed` follows.
        var committing = false
        /// Why the call ended before it committed (it was cancelled).
        var cancelled: RPCError?
    }

    init(channel: RPCChannel, path: String, options: CallOptions, observers: ClientObservers) {
        self.channel = channel
        self.path = path
        self.options = options
        self.deadline = options.timeout.map { ContinuousClock.now + $0 }
        self.observers = observers
        kept = Mutex(CallRetryBuffer(budget: channel.retryBuffer))
    }

    /// Opens the first attempt and starts watching it. Without a policy only the transparent
    /// retry of an attempt the server did not process is made.
    func start(policy: RetryPolicy?) async {
        let first = await openAttempt(previousAttempts: 0)
        state.update { $0.attempt = first }
        let task = Task { await self.watch(policy: policy) }
        watcher.withLock { $0 = task }
    }

    /// The attempt the call committed to, once it did: responses and metadata come from it.
    /// A cancelled wait cancels the call and throws CANCELLED.
    func committedCall() async throws(RPCError) -> ClientCall {
        let result: Result<ClientCall, RPCError>
        do {
            result = try await state.wait { s -> Result<ClientCall, RPCError>? in
                if let error = s.cancelled { return .failure(error) }
                if s.committed, let attempt = s.attempt { return .success(attempt.call) }
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
            case committed(ClientCall)
            case kept(Attempt)
            case ended(RPCError)
        }
        let route: Route
        do {
            route = try await state.wait { s -> Route? in
                if let error = s.cancelled { return .ended(error) }
                if s.committed, let attempt = s.attempt { return .committed(attempt.call) }
                guard !s.writing, let attempt = s.attempt else { return nil }
                s.writing = true
                return .kept(attempt)
            }
        } catch {
            throw RPCError(code: .cancelled, message: "cancelled while sending")
        }
        switch route {
        case .ended(let error):
            throw error
        case .committed(let call):
            try await call.send(framed: framed, endStream: endStream)
        case .kept(let attempt):
            // Kept under the state's lock, so that a commit (which frees what is kept) comes
            // wholly before or after it.
            let fits = state.withLock { s -> Bool in
                guard !s.committed, s.cancelled == nil, kept.withLock({ $0.keep(framed.count) }) else { return false }
                s.messages.append(framed)
                return true
            }
            // Larger than the retry buffer allows: the call commits to this attempt (the one a
            // concurrent commit chose too: attempts change only under the writer role).
            if !fits { commit(attempt) }
            do {
                try await attempt.call.send(framed: framed, endStream: false)
            } catch {
                releaseWriter()
                // A failed attempt not committed to: the message is kept for the next one, and
                // the call's status says how it ended if there is none.
                if !fits || (Task.isCancelled && error.code == .cancelled) { throw error }
                return
            }
            releaseWriter()
            if endStream { halfClose() }
        }
    }

    func halfClose() {
        let call = state.withLock { s -> ClientCall? in
            s.halfClosed = true
            guard !s.writing, !s.attemptHalfClosed, s.cancelled == nil, let attempt = s.attempt else { return nil }
            s.attemptHalfClosed = true
            return attempt.call
        }
        call?.halfClose()
    }

    func cancel(status: RPCError) {
        let (call, uncommitted) = state.update { s -> (ClientCall?, Bool) in
            guard s.cancelled == nil else { return (nil, false) }
            if s.committed || s.committing { return (s.attempt?.call, false) }
            s.cancelled = status
            s.messages = []
            kept.withLock { $0.release() }
            return (s.attempt?.call, true)
        }
        watcher.withLock { $0 }?.cancel()
        call?.cancel(status: status)
        if uncommitted { observers.finished(CallEnd(error: status, trailingMetadata: Metadata())) }
    }

    // MARK: - Attempts

    /// Waits for each attempt's response headers: they commit the call; a failure before them is
    /// retried or made final as the policy says.
    private func watch(policy: RetryPolicy?) async {
        var retry = RetryState(policy: policy, throttle: policy == nil ? nil : channel.throttle)
        while true {
            guard let attempt = state.withLock({ $0.attempt }) else { return }
            let head: Result<ResponseHead, RPCError>
            do {
                head = try await attempt.call.waitForHead()
            } catch {
                return  // the call was cancelled
            }
            let failure: RPCError
            switch head {
            case .success:
                commit(attempt)
                // A call that ends OK gives the retry throttle back its share.
                if let end = try? await attempt.call.ended(), end.error == nil {
                    _ = retry.decide(after: AttemptOutcome(status: .ok))
                }
                return
            case .failure(let error):
                failure = error
            }
            // Committed by a message the buffer could not take, or cancelled: nothing to decide.
            guard state.withLock({ !$0.committed && !$0.committing && $0.cancelled == nil }) else { return }
            let delay: Duration
            switch retry.decide(
                after: AttemptOutcome(failure: failure, committed: false), remaining: deadline.map { $0 - .now })
            {
            case .commit:
                commit(attempt)
                return
            case .retryTransparently:
                delay = .zero
            case .retry(let after):
                delay = after
            }
            if delay > .zero {
                do { try await Task.sleep(for: delay) } catch { return }
            }
            guard await becomeWriter() else { return }
            let next = await openAttempt(previousAttempts: retry.previousAttempts)
            let messages = state.withLock { $0.messages }
            for message in messages {
                do { try await next.call.send(framed: message, endStream: false) } catch { break }
            }
            releaseWriter(installing: next)
        }
    }

    /// Starts an attempt (a failure to start fails its call, which the watcher then sees).
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

    /// Waits until no one sends on the current attempt and takes that role; false when the call
    /// committed or was cancelled meanwhile.
    private func becomeWriter() async -> Bool {
        let acquired = try? await state.wait { s -> Bool? in
            if s.committed || s.committing || s.cancelled != nil { return false }
            guard !s.writing else { return nil }
            s.writing = true
            return true
        }
        return acquired ?? false
    }

    /// Gives up the writer role, installing `next` as the current attempt if given; closes the
    /// current attempt's request side if the caller closed it meanwhile.
    private func releaseWriter(installing next: Attempt? = nil) {
        let (halfClose, cancelled) = state.update { s -> (ClientCall?, RPCError?) in
            s.writing = false
            if let next {
                s.attempt = next
                s.attemptHalfClosed = false
                if let error = s.cancelled { return (nil, error) }
            }
            guard s.halfClosed, !s.attemptHalfClosed, s.cancelled == nil, let attempt = s.attempt else {
                return (nil, nil)
            }
            s.attemptHalfClosed = true
            return (attempt.call, nil)
        }
        if let cancelled { next?.call.cancel(status: cancelled) }
        halfClose?.halfClose()
    }

    /// Commits the call to `attempt` (the current one): kept messages are released and the
    /// observers will hear of its end.
    private func commit(_ attempt: Attempt) {
        let commits = state.withLock { s -> Bool in
            guard !s.committed, !s.committing, s.cancelled == nil else { return false }
            s.committing = true
            return true
        }
        guard commits else { return }
        // The observers hear of the attempt's end (now or when it comes) before anyone can read
        // from it, and the kept messages are freed before anyone can see the call committed.
        attempt.end.commit()
        state.update { s in
            s.committed = true
            s.messages = []
            kept.withLock { $0.release() }
        }
    }
}
