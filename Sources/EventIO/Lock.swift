public import Glibc

/// Storage of a lock and the value it guards in one allocation: the value is the buffer's header,
/// the `pthread_mutex_t` its single element. Inlinable, like the types built on it, so that each
/// user's code is specialised for its value: no generic metadata lookup per lock made or taken.
@usableFromInline
final class LockStorage<Value>: ManagedBuffer<Value, pthread_mutex_t> {
    @inlinable
    static func make(_ value: Value) -> LockStorage<Value> {
        let buffer = create(minimumCapacity: 1) { _ in value }
        let storage = unsafeDowncast(buffer, to: LockStorage<Value>.self)
        storage.withUnsafeMutablePointerToElements { mutex in
            #if DEBUG
                var attributes = pthread_mutexattr_t()
                pthread_mutexattr_init(&attributes)
                pthread_mutexattr_settype(&attributes, Int32(PTHREAD_MUTEX_ERRORCHECK))
                let result = pthread_mutex_init(mutex, &attributes)
                pthread_mutexattr_destroy(&attributes)
            #else
                // Default attributes: no attribute object to make and destroy for every lock.
                let result = pthread_mutex_init(mutex, nil)
            #endif
            precondition(result == 0, "pthread_mutex_init failed: \(result)")
        }
        return storage
    }

    deinit {
        withUnsafeMutablePointerToElements { mutex in _ = pthread_mutex_destroy(mutex) }
    }

    @inlinable @inline(__always)
    func withLockedValue<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try withUnsafeMutablePointers { (value, mutex) throws(E) -> R in
            let locked = pthread_mutex_lock(mutex)
            precondition(locked == 0, "pthread_mutex_lock failed: \(locked)")
            defer {
                let unlocked = pthread_mutex_unlock(mutex)
                precondition(unlocked == 0, "pthread_mutex_unlock failed: \(unlocked)")
            }
            return try body(&value.pointee)
        }
    }

    /// Runs `body` with the lock held, without access to the value (`Lock`'s storage holds none).
    /// `Lock` does not go through `withLockedValue`: ThreadSanitizer's Swift access checking reported
    /// its inout access to the zero-size value (at the storage object's first word, with the lock
    /// held) as racing with another thread's read of that word before taking the lock.
    @inlinable @inline(__always)
    func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try withUnsafeMutablePointerToElements { mutex throws(E) -> R in
            let locked = pthread_mutex_lock(mutex)
            precondition(locked == 0, "pthread_mutex_lock failed: \(locked)")
            defer {
                let unlocked = pthread_mutex_unlock(mutex)
                precondition(unlocked == 0, "pthread_mutex_unlock failed: \(unlocked)")
            }
            return try body()
        }
    }
}

/// A mutual-exclusion lock on `pthread_mutex_t`.
///
/// ThreadSanitizer intercepts the pthread calls, so it sees the happens-before edges this lock
/// creates (with Swift 6.3 on Linux it does not see those of `Synchronization.Mutex`, and reports
/// races inside every `Mutex.withLock`). Uncontended, a lock and unlock cost about the same as
/// `Mutex`'s. Public type, package members, inlinable (see `WaitableState`). Not reentrant: locking it again on the same thread deadlocks (debug builds trap).
public struct Lock: @unchecked Sendable {
    @usableFromInline let storage: LockStorage<Void>

    /// Creates an unlocked lock.
    @inlinable package init() { storage = .make(()) }

    /// Runs `body` with the lock held.
    @inlinable @inline(__always)
    package func withLock<R, E: Error>(_ body: () throws(E) -> R) throws(E) -> R {
        try storage.withLock(body)
    }
}

/// A value that is only read or changed with its lock held: the lock and the value share one
/// allocation. Sendable when the value is. Same lock as `Lock` (ThreadSanitizer sees it). Public type,
/// package members, inlinable (see `WaitableState`).
public struct LockedValue<Value> {
    @usableFromInline let storage: LockStorage<Value>

    /// Wraps `value`.
    @inlinable package init(_ value: Value) { storage = .make(value) }

    /// Runs `body` on the value with the lock held; returns what `body` returns.
    @inlinable @inline(__always)
    package func withLock<R, E: Error>(_ body: (inout Value) throws(E) -> R) throws(E) -> R {
        try storage.withLockedValue(body)
    }
}

extension LockedValue: @unchecked Sendable where Value: Sendable {}

extension LockedValue where Value: Sendable {
    /// A copy of the value, read with the lock held.
    @inlinable package var value: Value { withLock { $0 } }
}
