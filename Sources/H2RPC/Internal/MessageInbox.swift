import EventIO

/// A single-consumer queue between a producer (usually an event loop) and one task, for sequences
/// that are not part of a call (a call keeps its `MessageBuffer` under its own lock).
///
/// `next()` returns a buffered element without suspending; only an empty inbox suspends, and one
/// push resumes it. A waiting `next()` honours task cancellation: it runs the inbox's cancel action
/// and throws CANCELLED.
struct MessageInbox<Element: Sendable>: Sendable {
    private struct State {
        var messages = MessageBuffer<Element>()
        var onCancel: (@Sendable () -> Void)?
    }

    private let state: WaitableState<State>

    /// `onCancel` runs (once per cancelled `next()`) when the consuming task is cancelled while waiting.
    init(onCancel: (@Sendable () -> Void)? = nil) {
        var s = State()
        s.onCancel = onCancel
        state = WaitableState(s)
    }

    /// Adds an element; ignored after `finish`.
    func push(_ element: Element) {
        state.update { $0.messages.push(element) }
    }

    /// Ends the sequence after the buffered elements (`error == nil`) or with an error. The first call wins.
    /// An error is delivered after the elements already buffered.
    func finish(_ error: RPCError? = nil) {
        state.update { s in
            if s.messages.finish(error) { s.onCancel = nil }
        }
    }

    /// The next element, nil at the clean end, or the error the inbox was finished with.
    /// - Throws: CANCELLED when the task is cancelled while the inbox is empty.
    func next() async throws(RPCError) -> Element? {
        let taken: MessageBuffer<Element>.Take
        do {
            taken = try await state.wait { $0.messages.take() }
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
}
