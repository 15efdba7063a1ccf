import Synchronization

/// A single-consumer queue between the event loop (producer) and one task (consumer).
///
/// `next()` returns a buffered element without suspending; only an empty inbox suspends, and one
/// push resumes it. Cheaper than `AsyncStream` by a factor of five here (PERF-NOTES.md), which
/// matters because every received message crosses it.
final class MessageInbox<Element: Sendable>: Sendable {
    private struct State {
        var buffer: [Element] = []
        var readIndex = 0
        var end: RPCError?? = nil  // .some(nil): finished cleanly; .some(error): failed
        var waiter: UnsafeContinuation<Void, Never>?
        var onCancel: (@Sendable () -> Void)?
    }

    private let state: Mutex<State>

    /// `onCancel` runs (once per suspended `next()`) when the consuming task is cancelled while waiting.
    init(onCancel: (@Sendable () -> Void)? = nil) {
        var s = State()
        s.onCancel = onCancel
        state = Mutex(s)
    }

    /// Replaces the action run when the waiting consumer is cancelled (nil: none). It is dropped at `finish`.
    func setOnCancel(_ body: (@Sendable () -> Void)?) { state.withLock { $0.onCancel = body } }

    /// Adds an element; ignored after `finish`.
    func push(_ element: Element) {
        let waiter = state.withLock { s -> UnsafeContinuation<Void, Never>? in
            guard s.end == nil else { return nil }
            s.buffer.append(element)
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// Ends the sequence after the buffered elements (`error == nil`) or with an error. The first call wins.
    /// An error is delivered after the elements already buffered.
    func finish(_ error: RPCError? = nil) {
        let waiter = state.withLock { s -> UnsafeContinuation<Void, Never>? in
            guard s.end == nil else { return nil }
            s.end = .some(error)
            s.onCancel = nil
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    /// True once `finish` was called.
    var isFinished: Bool { state.withLock { $0.end != nil } }

    /// The next element, nil at the clean end, or the error the inbox was finished with.
    func next() async throws(RPCError) -> Element? {
        while true {
            switch takeOne() {
            case .element(let e): return e
            case .end(let error):
                if let error { throw error }
                return nil
            case .empty:
                await withTaskCancellationHandler {
                    await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
                        let ready = state.withLock { s -> Bool in
                            if s.readIndex < s.buffer.count || s.end != nil { return true }
                            s.waiter = c
                            return false
                        }
                        if ready { c.resume() }
                    }
                } onCancel: {
                    state.withLock { $0.onCancel }?()
                }
            }
        }
    }

    private enum Take {
        case element(Element)
        case end(RPCError?)
        case empty
    }

    private func takeOne() -> Take {
        state.withLock { s in
            if s.readIndex < s.buffer.count {
                let e = s.buffer[s.readIndex]
                s.readIndex += 1
                if s.readIndex == s.buffer.count {
                    s.buffer.removeAll(keepingCapacity: true)
                    s.readIndex = 0
                }
                return .element(e)
            }
            if let end = s.end { return .end(end) }
            return .empty
        }
    }
}
