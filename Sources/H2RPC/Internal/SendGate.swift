import EventIO

/// Where the senders of one call wait while HTTP/2 flow control holds its stream: the stream (on
/// its loop) closes the gate when its outbound queue passes the high-water mark, opens it when the
/// queue drains, and ends it with the call's status. Made only when a sender first has to wait.
final class SendGate: Sendable {
    private enum State {
        case open
        case closed
        case ended(RPCError)
    }

    private let state = WaitableState(State.closed)
    /// Counts the senders suspended at this gate (tests wait on it; only the waiting path pays).
    private let waiters: WaitableState<Int>?

    /// A gate closed by a full stream; `waiters`, if given, counts the senders waiting at it.
    init(waiters: WaitableState<Int>? = nil) { self.waiters = waiters }

    /// The stream's queue is above its high-water mark again.
    func close() {
        state.withLock { if case .open = $0 { $0 = .closed } }
    }

    /// The stream's queue drained: wake the senders.
    func open() {
        state.update { if case .closed = $0 { $0 = .open } }
    }

    /// The call ended: waiting senders fail with `status`. The first end wins.
    func end(_ status: RPCError) {
        state.update { s in
            if case .ended = s { return }
            s = .ended(status)
        }
    }

    /// Returns once the gate is open.
    /// - Throws: the call's status when it ended; CANCELLED when the task is cancelled first.
    func waitUntilOpen() async throws(RPCError) {
        waiters?.update { $0 += 1 }
        defer { waiters?.update { $0 -= 1 } }
        let outcome: RPCError?
        do {
            outcome = try await state.wait { s -> RPCError?? in
                switch s {
                case .open: .some(nil)
                case .closed: nil
                case .ended(let status): .some(status)
                }
            }
        } catch {
            throw RPCError(code: .cancelled, message: "send cancelled while waiting for flow control")
        }
        if let outcome { throw outcome }
    }
}

/// What a send did on the loop: queued, queued on a full stream (wait at the gate), or refused.
enum SendOutcome: Sendable {
    case sent
    case full(SendGate)
    case failed(RPCError)
}
