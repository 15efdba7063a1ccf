import Glibc

/// The one funnel for system calls: retries on EINTR, reports EAGAIN as "would block",
/// traps on errno values that can only mean a bug in this module, throws the rest.
enum Syscall {
    /// The result of a call that may block on a non-blocking descriptor.
    enum Outcome<T> {
        case done(T)
        case wouldBlock
    }

    /// Runs `body` (a call returning -1 on failure), retrying on EINTR.
    @inline(__always)
    static func call<T: FixedWidthInteger>(_ operation: StaticString, _ body: () -> T) throws(IOError) -> T {
        while true {
            let result = body()
            if result >= 0 { return result }
            let code = Glibc.errno
            if code == EINTR { continue }
            trapIfBug(code, operation)
            throw IOError(.system(errno: code), operation: operation.description)
        }
    }

    /// Like `call`, but EAGAIN/EWOULDBLOCK (and EINPROGRESS) become `.wouldBlock`.
    @inline(__always)
    static func nonBlocking<T: FixedWidthInteger>(
        _ operation: StaticString, _ body: () -> T
    ) throws(IOError) -> Outcome<T> {
        while true {
            let result = body()
            if result >= 0 { return .done(result) }
            let code = Glibc.errno
            if code == EINTR { continue }
            if code == EAGAIN || code == EWOULDBLOCK { return .wouldBlock }
            trapIfBug(code, operation)
            throw IOError(.system(errno: code), operation: operation.description)
        }
    }

    /// EBADF, EFAULT and ENOTSOCK mean this module passed a wrong descriptor or pointer.
    @inline(__always)
    private static func trapIfBug(_ code: Int32, _ operation: StaticString) {
        if code == EBADF || code == EFAULT || code == ENOTSOCK {
            fatalError("\(operation) failed with errno \(code): a bug in EventIO")
        }
    }

    /// Closes a descriptor; EINTR on close must not be retried on Linux (the fd is gone).
    static func close(_ fd: Int32) {
        let result = Glibc.close(fd)
        if result < 0 && Glibc.errno == EBADF {
            fatalError("close(\(fd)): EBADF, a bug in EventIO")
        }
    }

    /// Monotonic time in nanoseconds.
    @inline(__always)
    static func monotonicNanoseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }
}
