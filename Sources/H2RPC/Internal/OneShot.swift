import Synchronization

/// A value set once (by the event loop) and awaited by any number of tasks. Non-copyable so
/// that it lives inline in the object that owns it (no allocation of its own per call).
struct OneShot<Value: Sendable>: ~Copyable, Sendable {
    // Not private: Swift 6.3 emits a broken module for a private type nested in a non-copyable
    // generic struct that another file uses.
    struct State {
        var value: Value?
        var waiters: [UnsafeContinuation<Value, Never>] = []
    }
    private let state = Mutex(State())

    init() {}

    /// Sets the value and wakes every waiter; later calls are ignored. Returns whether this call set it.
    @discardableResult
    func fulfill(_ value: Value) -> Bool {
        let waiters = state.withLock { s -> [UnsafeContinuation<Value, Never>]? in
            guard s.value == nil else { return nil }
            s.value = value
            defer { s.waiters = [] }
            return s.waiters
        }
        guard let waiters else { return false }
        for w in waiters { w.resume(returning: value) }
        return true
    }

    /// The value if it is set.
    var current: Value? { state.withLock { $0.value } }

    /// Waits for the value.
    func get() async -> Value {
        if let v = current { return v }
        return await withUnsafeContinuation { c in
            let v = state.withLock { s -> Value? in
                if let v = s.value { return v }
                s.waiters.append(c)
                return nil
            }
            if let v { c.resume(returning: v) }
        }
    }
}
