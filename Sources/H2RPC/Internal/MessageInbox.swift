import Synchronization

/// A single-consumer queue between the event loop (producer) and one task (consumer).
///
/// `next()` returns a buffered element without suspending; only an empty inbox suspends, and one
/// push resumes it. Cheaper than `AsyncStream` by a factor of five here, which
/// matters because every received message crosses it. Non-copyable, so that a call object holds
/// it inline; `MessageInbox` is the shareable (class) form.
struct MessageQueue<Element: Sendable>: ~Copyable, Sendable {
    // Not private: Swift 6.3 emits a broken module for a private type nested in a non-copyable
    // generic struct that another file uses.
    struct State {
        /// The oldest element while `buffer` is empty: a call with one message never allocates a buffer.
        var single: Element?
        var buffer: [Element] = []
        var readIndex = 0
        var end: RPCError?? = nil  // .some(nil): finished cleanly; .some(error): failed
        var waiter: UnsafeContinuation<Void, Never>?
        var onCancel: (@Sendable () -> Void)?

        var hasElements: Bool { single != nil || readIndex < buffer.count }
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
            if s.single == nil && s.readIndex == s.buffer.count {
                s.single = element
            } else {
                s.buffer.append(element)
            }
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
                            if s.hasElements || s.end != nil { return true }
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
            if let e = s.single {
                s.single = nil
                return .element(e)
            }
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

/// A `MessageQueue` that can be shared (held in collections, captured by tasks).
final class MessageInbox<Element: Sendable>: Sendable {
    private let queue: MessageQueue<Element>

    /// `onCancel` runs (once per suspended `next()`) when the consuming task is cancelled while waiting.
    init(onCancel: (@Sendable () -> Void)? = nil) { queue = MessageQueue(onCancel: onCancel) }

    /// Adds an element; ignored after `finish`.
    func push(_ element: Element) { queue.push(element) }

    /// Ends the sequence after the buffered elements (`error == nil`) or with an error. The first call wins.
    func finish(_ error: RPCError? = nil) { queue.finish(error) }

    /// The next element, nil at the clean end, or the error the inbox was finished with.
    func next() async throws(RPCError) -> Element? { try await queue.next() }
}
