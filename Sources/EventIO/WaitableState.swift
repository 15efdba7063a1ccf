/// State behind a lock that tasks can wait on until a condition holds; the one way code in this
/// package suspends a task for an event that another thread (usually an event loop) delivers.
///
/// A waiter passes a closure that, with the lock held, either takes what it waits for out of the
/// state (returning it) or returns nil. Producers change the state with `update`, which wakes every
/// waiter to check again. Because the check and the registration happen under one lock hold,
/// nothing delivered between them is missed, and because the value stays in the state until a
/// waiter takes it, nothing is lost when a waiter is cancelled at the same moment.
///
/// Waiting honours task cancellation: a cancelled waiter wakes at once and throws
/// `CancellationError` (unless what it waits for is already there, which it then returns).
///
/// ```swift
/// let inbox = WaitableState<[Int]>([])
/// inbox.update { $0.append(1) }                        // loop side
/// let first = try await inbox.wait { $0.popLast() }    // task side
/// ```
///
/// A struct holding a reference: copies share one state. The state, its waiters and the lock live
/// in one allocation.
///
/// Inlinable: each user's code is specialised for its state, so making, updating and waiting on one
/// needs no generic metadata lookup at run time. The type is public and its members package: Swift
/// 6.3 does not inline the members of a package type into other modules, whatever their attributes.
public struct WaitableState<State> {
    @usableFromInline
    struct Inner {
        @usableFromInline var state: State
        /// The first waiter in its own field: a single waiter (the usual case) needs no array.
        @usableFromInline var first: UnsafeContinuation<Void, Never>?
        @usableFromInline var more: [UnsafeContinuation<Void, Never>]

        @inlinable init(state: State) {
            self.state = state
            self.first = nil
            self.more = []
        }
    }

    @usableFromInline let inner: LockedValue<Inner>

    /// Wraps `state`.
    @inlinable package init(_ state: State) { inner = LockedValue(Inner(state: state)) }

    /// Reads or changes the state with the lock held, without waking waiters.
    @inlinable @inline(__always)
    package func withLock<R, E: Error>(_ body: (inout State) throws(E) -> R) throws(E) -> R {
        try inner.withLock { (inner: inout Inner) throws(E) -> R in try body(&inner.state) }
    }

    /// Changes the state with the lock held, then wakes every waiter to check its condition again.
    @inlinable @discardableResult
    package func update<R>(_ body: (inout State) -> R) -> R {
        var woken: UnsafeContinuation<Void, Never>?
        var more: [UnsafeContinuation<Void, Never>] = []
        let result = inner.withLock { inner in
            let result = body(&inner.state)
            woken = inner.first
            inner.first = nil
            if !inner.more.isEmpty { swap(&more, &inner.more) }
            return result
        }
        woken?.resume()
        for waiter in more { waiter.resume() }
        return result
    }

    /// Waits until `take` returns a value and returns it (see `wait(until:whenCancelled:)`).
    /// - Throws: `CancellationError` when the task is cancelled before `take` returns a value.
    @inlinable
    package func wait<R>(until take: (inout State) -> R?) async throws(CancellationError) -> R {
        // A closure literal here, not a default argument: a default closure of a generic type is
        // made on the heap at every call.
        try await wait(until: take, whenCancelled: { _ in })
    }

    /// Waits until `take` returns a value and returns it. `take` runs with the lock held, once at
    /// once and again after every `update`; it should change the state only when it returns a value.
    /// - Parameter whenCancelled: runs with the lock held when the wait ends by cancellation (e.g. to
    ///   mark the state abandoned, so that a late producer knows nobody will take its value).
    /// - Throws: `CancellationError` when the task is cancelled before `take` returns a value.
    @inlinable
    package func wait<R>(
        until take: (inout State) -> R?, whenCancelled: (inout State) -> Void
    ) async throws(CancellationError) -> R {
        if let ready = inner.withLock({ take(&$0.state) }) { return ready }
        // The handler only wakes waiters, which touches no `State`: safe from any thread.
        let waking = Waking(inner)
        while true {
            var result: R?
            var cancelled = false
            await withTaskCancellationHandler {
                await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                    let resumeNow = inner.withLock { inner -> Bool in
                        if let ready = take(&inner.state) {
                            result = ready
                            return true
                        }
                        // The cancellation flag is set before the handler runs: checking it under the
                        // lock closes the window between a handler that found no waiter and this one.
                        if Task.isCancelled {
                            whenCancelled(&inner.state)
                            cancelled = true
                            return true
                        }
                        if inner.first == nil {
                            inner.first = continuation
                        } else {
                            inner.more.append(continuation)
                        }
                        return false
                    }
                    if resumeNow { continuation.resume() }
                }
                acquireContinuationResume()
            } onCancel: {
                // Wakes every waiter: the cancelled one finds its task cancelled and gives up, the
                // others (other tasks) check their condition and wait again.
                Self.wakeAll(waking.inner)
            }
            if let result { return result }
            if cancelled { throw CancellationError() }
        }
    }

    @usableFromInline
    struct Waking: @unchecked Sendable {
        @usableFromInline let inner: LockedValue<Inner>
        @inlinable init(_ inner: LockedValue<Inner>) { self.inner = inner }
    }

    @inlinable
    static func wakeAll(_ inner: LockedValue<Inner>) {
        var woken: UnsafeContinuation<Void, Never>?
        var more: [UnsafeContinuation<Void, Never>] = []
        inner.withLock { inner in
            woken = inner.first
            inner.first = nil
            swap(&more, &inner.more)
        }
        woken?.resume()
        for waiter in more { waiter.resume() }
    }
}

extension WaitableState: @unchecked Sendable where State: Sendable {}

extension WaitableState where State: Sendable {
    /// A copy of the state.
    @inlinable package var value: State { withLock { $0 } }
}

/// A value that arrives once: one side completes it, any number of tasks wait for it.
///
/// Waiting honours cancellation (see `WaitableState`). With `wait(abandoningOnCancel: true)` a
/// cancelled waiter also marks the promise abandoned, and a later `complete` returns false: the
/// completer then knows nobody will take the value and can release it (close a connection that
/// finished connecting after its caller gave up).
///
/// A struct holding a reference (one allocation): copies share one value. Public type, package
/// members, inlinable (see `WaitableState`).
public struct Promise<Value: Sendable>: Sendable {
    @usableFromInline
    enum State: Sendable {
        case pending
        case completed(Value)
        case abandoned
    }

    @usableFromInline let state: WaitableState<State>

    /// A pending promise.
    @inlinable package init() { state = WaitableState(State.pending) }

    /// Completes the promise and wakes its waiters. Returns false, and drops `value`, if it was
    /// already completed or abandoned.
    @inlinable @discardableResult
    package func complete(_ value: Value) -> Bool {
        state.update { state in
            guard case .pending = state else { return false }
            state = .completed(value)
            return true
        }
    }

    /// The value, once completed.
    /// - Parameter abandoningOnCancel: when the wait is cancelled, mark the promise abandoned.
    /// - Throws: `CancellationError` when the task is cancelled first.
    @inlinable
    package func wait(abandoningOnCancel: Bool = false) async throws(CancellationError) -> Value {
        try await state.wait { state -> Value? in
            if case .completed(let value) = state { return value }
            return nil
        } whenCancelled: { state in
            if abandoningOnCancel, case .pending = state { state = .abandoned }
        }
    }

    /// The value if completed, else nil. Does not wait.
    @inlinable package var value: Value? {
        state.withLock { state in
            if case .completed(let value) = state { return value }
            return nil
        }
    }
}
