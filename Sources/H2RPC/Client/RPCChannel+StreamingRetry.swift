import EventIO
import ProtoWire

extension RPCChannel {
    /// A server-streaming call under a retry policy (gRFC A6): its one request is kept, and an
    /// attempt that ends before response headers arrive (Trailers-Only, a refused stream, a lost
    /// connection) with a retryable status is retried as a unary call is. The call is returned
    /// once an attempt's response headers arrive, which commits it to that attempt; its messages
    /// and status are then the caller's. `observers` see the committed attempt's messages and hear
    /// the call's end once (an attempt that is retried is not an end).
    func retryingServerStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, options: CallOptions, policy: RetryPolicy, observers: ClientObservers = .none
    ) async throws(RPCError) -> ServerStreamingCall<Resp> {
        var options = options
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var retry = RetryState(policy: policy, throttle: throttle)
        var buffer = CallRetryBuffer(budget: retryBuffer)
        let fits = buffer.keep(request.encodedSize())
        while true {
            if let deadline { options.timeout = deadline - .now }
            options.previousRPCAttempts = retry.previousAttempts
            let attemptEnd = AttemptEnd(observers)
            let call: ClientCall
            do {
                call = try newCall(path: path, options: options, observers: attemptEnd.observers)
            } catch {
                observers.finished(CallEnd(error: error, trailingMetadata: Metadata()))
                throw error
            }
            // Dropped unreturned (a failed attempt, or cancellation), the owner cancels the call.
            let owner = ClientCallOwner(call)
            let failure: RPCError
            do throws(RPCError) {
                try await start(call, path: path, options: options, soleRequest: request)
                let head: Result<ResponseHead, RPCError>
                do {
                    head = try await call.waitForHead()
                } catch {
                    throw RPCError(code: .cancelled, message: "cancelled while waiting for the response headers")
                }
                switch head {
                case .success:
                    attemptEnd.commit()
                    return ServerStreamingCall(owner: owner, observers: observers)
                case .failure(let error):
                    throw error
                }
            } catch {
                failure = error
            }
            guard failure.code != .cancelled || !Task.isCancelled else {
                observers.finished(CallEnd(error: failure, trailingMetadata: failure.trailingMetadata))
                throw failure
            }
            switch retry.decide(
                after: AttemptOutcome(failure: failure, committed: !fits), remaining: deadline.map { $0 - .now })
            {
            case .commit:
                observers.finished(CallEnd(error: failure, trailingMetadata: failure.trailingMetadata))
                throw failure
            case .retryTransparently:
                continue
            case .retry(let delay):
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    let cancelled = RPCError(code: .cancelled, message: "cancelled while waiting to retry")
                    observers.finished(CallEnd(error: cancelled, trailingMetadata: Metadata()))
                    throw cancelled
                }
            }
        }
    }
}

extension RPCChannel {
    /// A client- or bidirectional-streaming call under a retry policy (gRFC A6): the caller sends
    /// on a call whose transport is a `RetriedStreamingCall`, which keeps the messages and replays
    /// them on new attempts until the call commits. Its first attempt is started here. Without a
    /// policy only the transparent retry of a refused stream is made.
    /// - Throws: ``RPCError`` CANCELLED when the task is cancelled while the first attempt starts.
    func retriedStreaming(
        path: String, options: CallOptions, policy: RetryPolicy?, observers: ClientObservers
    ) async throws(RPCError) -> ClientCallOwner {
        let retried = RetriedStreamingCall(channel: self, path: path, options: options, observers: observers)
        // The call the caller sends on: it frames (and compresses) each message once, as the
        // options say, and hands it to the attempts.
        let sending = ClientCall(
            maxReceiveMessageSize: options.maxReceiveMessageSize ?? configuration.maxReceiveMessageSize,
            maxSendMessageSize: options.maxSendMessageSize ?? configuration.maxSendMessageSize,
            compression: options.compression)
        sending.attach(retried)
        let owner = ClientCallOwner(sending, retried: retried)
        await retried.start(policy: policy)
        if Task.isCancelled {
            let cancelled = RPCError(code: .cancelled, message: "cancelled while starting the call")
            sending.cancel(status: cancelled)
            throw cancelled
        }
        return owner
    }
}

/// The end of one attempt of a retried streaming call, passed on to the call's observers only once
/// the attempt is committed (its response headers arrived): an attempt that fails before is retried
/// or ends the call through the retry loop, which tells the observers itself.
final class AttemptEnd: Sendable {
    private let forwardTo: ClientObservers
    private let state = LockedValue<(committed: Bool, end: CallEnd?)>((false, nil))

    init(_ observers: ClientObservers) { forwardTo = observers }

    /// Observers for the attempt's `ClientCall`: one that records (or passes on) its end.
    var observers: ClientObservers {
        guard !forwardTo.isEmpty else { return .none }
        return ClientObservers(observers: [Recorder(owner: self)])
    }

    func commit() {
        let end = state.withLock { state -> CallEnd? in
            state.committed = true
            return state.end
        }
        if let end { forwardTo.finished(end) }
    }

    fileprivate func ended(_ end: CallEnd) {
        let committed = state.withLock { state -> Bool in
            state.end = end
            return state.committed
        }
        if committed { forwardTo.finished(end) }
    }

    private struct Recorder: ClientCallObserver {
        let owner: AttemptEnd
        func finished(status: RPCError?, trailingMetadata: Metadata) {
            owner.ended(CallEnd(error: status, trailingMetadata: trailingMetadata))
        }
    }
}

/// The transport of a streaming call made of attempts (under a retry or hedging policy): the
/// caller sends through it, and reads from the attempt it committed to.
protocol CommittingCallTransport: ClientCallTransport {
    /// The attempt the call committed to, once it did. A cancelled wait cancels the call and
    /// throws CANCELLED.
    func committedCall() async throws(RPCError) -> ClientCall
}
