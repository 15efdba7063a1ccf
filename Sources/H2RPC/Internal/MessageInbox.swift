import EventIO

/// A single-consumer queue between the event loop (producer) and one task (consumer).
///
/// `next()` returns a buffered element without suspending; only an empty inbox suspends, and one
/// push resumes it. Cheaper than `AsyncStream` by a factor of five here, which matters because
/// every received message crosses it. A waiting `next()` honours task cancellation: it runs the
/// inbox's cancel action and throws CANCELLED.
struct MessageInbox<Element: Sendable>: Sendable {
    private struct State {
        /// The oldest element while `buffer` is empty: a call with one message never allocates a buffer.
        var single: Element?
        var buffer: [Element] = []
        var readIndex = 0
        var end: RPCError?? = nil  // .some(nil): finished cleanly; .some(error): failed
        var onCancel: (@Sendable () -> Void)?
    }

    private enum Take {
        case element(Element)
        case end(RPCError?)
    }

    private let state: WaitableState<State>

    /// `onCancel` runs (once per cancelled `next()`) when the consuming task is cancelled while waiting.
    init(onCancel: (@Sendable () -> Void)? = nil) {
        var s = State()
        s.onCancel = onCancel
        state = WaitableState(s)
    }

    /// Replaces the action run when the waiting consumer is cancelled (nil: none). It is dropped at `finish`.
    func setOnCancel(_ body: (@Sendable () -> Void)?) { state.withLock { $0.onCancel = body } }

    /// Adds an element; ignored after `finish`.
    func push(_ element: Element) {
        state.update { s in
            guard s.end == nil else { return }
            if s.single == nil && s.readIndex == s.buffer.count {
                s.single = element
            } else {
                s.buffer.append(element)
            }
        }
    }

    /// Ends the sequence after the buffered elements (`error == nil`) or with an error. The first call wins.
    /// An error is delivered after the elements already buffered.
    func finish(_ error: RPCError? = nil) {
        state.update { s in
            guard s.end == nil else { return }
            s.end = .some(error)
            s.onCancel = nil
        }
    }

    /// The next element, nil at the clean end, or the error the inbox was finished with.
    /// - Throws: CANCELLED when the task is cancelled while the inbox is empty.
    func next() async throws(RPCError) -> Element? {
        let taken: Take
        do {
            taken = try await state.wait(until: Self.takeOne)
        } catch {
            state.withLock { $0.onCancel }?()
            throw RPCError(code: .cancelled, message: "cancelled while waiting for a message")
        }
        switch taken {
        case .element(let e): return e
        case .end(let error?): throw error
        case .end(nil): return nil
        }
    }

    private static func takeOne(_ s: inout State) -> Take? {
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
        return nil
    }
}
