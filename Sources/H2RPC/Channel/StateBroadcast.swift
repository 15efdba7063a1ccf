import EventIO

/// A current value and its changes, delivered to any number of subscribers in order.
///
/// Each subscriber's sequence starts with the value at subscription, then yields every change
/// (an equal value is not a change) and ends after a terminal value. Nothing is dropped.
final class StateBroadcast<Value: Sendable & Equatable>: Sendable {
    private struct State {
        var current: Value
        var nextID = 0
        var subscribers: [Int: AsyncStream<Value>.Continuation] = [:]
    }
    private let state: LockedValue<State>
    private let isTerminal: @Sendable (Value) -> Bool

    init(_ initial: Value, isTerminal: @escaping @Sendable (Value) -> Bool = { _ in false }) {
        state = LockedValue(State(current: initial))
        self.isTerminal = isTerminal
    }

    var current: Value { state.withLock { $0.current } }

    /// Sets the value and tells the subscribers; ignored when equal or after a terminal value.
    @discardableResult
    func update(_ newValue: Value) -> Bool {
        modify { current in (newValue, current != newValue && !isTerminal(current)) }
    }

    /// Runs `body` on the value under the lock; when it returns a new value, that is published.
    func modify<R>(_ body: (Value) -> (Value, R)) -> R {
        // Yielding under the lock keeps every subscriber's order the order of the updates;
        // finishing (which runs onTermination, which takes the lock) happens after it.
        let (result, finished) = state.withLock { s -> (R, [AsyncStream<Value>.Continuation]) in
            let (newValue, result) = body(s.current)
            guard s.current != newValue, !isTerminal(s.current) else { return (result, []) }
            s.current = newValue
            for subscriber in s.subscribers.values { subscriber.yield(newValue) }
            guard isTerminal(newValue) else { return (result, []) }
            defer { s.subscribers = [:] }
            return (result, Array(s.subscribers.values))
        }
        for subscriber in finished { subscriber.finish() }
        return result
    }

    /// The current value, then each change.
    func subscribe() -> AsyncStream<Value> {
        let (stream, continuation) = AsyncStream.makeStream(of: Value.self, bufferingPolicy: .unbounded)
        let id = state.withLock { s -> Int? in
            continuation.yield(s.current)
            if isTerminal(s.current) { return nil }
            let id = s.nextID
            s.nextID += 1
            s.subscribers[id] = continuation
            return id
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.state.withLock { $0.subscribers.removeValue(forKey: id) }
        }
        return stream
    }
}
