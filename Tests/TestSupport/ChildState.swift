// The shared state of a ChildProcess and the thread that drives its pipes and waits for its exit.
import Glibc

/// What is known of a child: its output so far, whether each stream ended, its exit.
struct ChildRecord: Sendable {
    var stdout: [UInt8] = []
    var stderr: [UInt8] = []
    var stdoutEnded: Bool
    var stderrEnded: Bool
    /// How much of `stdout` `nextLine` has returned.
    var linesRead = 0
    /// The exit code, or 128 + the signal; nil while running.
    var status: Int32?
    var signal: Int32?
}

/// A ChildProcess's record behind a lock, the tasks waiting on it, and the child's descriptors
/// the tests act on (stdin, the pidfd signals go through).
final class ChildState: Sendable {
    private struct Waiter: Sendable {
        let id: UInt64
        /// The resumption, once the record satisfies the waiter.
        let poll: @Sendable (inout ChildRecord) -> (@Sendable () -> Void)?
        let cancel: @Sendable () -> Void
    }

    private struct Inner: Sendable {
        var record: ChildRecord
        var waiters: [Waiter] = []
        var cancelled: Set<UInt64> = []
        var nextID: UInt64 = 0
        var stdinFD: Int32
        var pidFD: Int32
    }

    private let inner: Locked<Inner>

    init(pidFD: Int32, stdinFD: Int32, capturesStdout: Bool, capturesStderr: Bool) {
        let record = ChildRecord(stdoutEnded: !capturesStdout, stderrEnded: !capturesStderr)
        inner = Locked(Inner(record: record, stdinFD: stdinFD, pidFD: pidFD))
    }

    deinit {
        inner.withLock { s in
            if s.stdinFD >= 0 { close(s.stdinFD) }
            close(s.pidFD)
        }
    }

    func withState<R: Sendable>(_ body: (ChildRecord) -> R) -> R { inner.withLock { body($0.record) } }

    /// Changes the record and resumes the waiters it now satisfies.
    func update(_ change: (inout ChildRecord) -> Void) {
        let resumptions: [@Sendable () -> Void] = inner.withLock { s in
            change(&s.record)
            var ready: [@Sendable () -> Void] = []
            var index = 0
            while index < s.waiters.count {
                if let resume = s.waiters[index].poll(&s.record) {
                    ready.append(resume)
                    s.waiters.remove(at: index)
                } else {
                    index += 1
                }
            }
            return ready
        }
        for resume in resumptions { resume() }
    }

    /// `check`'s first non-nil answer; `CancellationError` when the task is cancelled first.
    func wait<T: Sendable>(_ check: @escaping @Sendable (inout ChildRecord) -> T?) async throws -> T {
        let id = inner.withLock { s in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                register(id: id, check: check, continuation: continuation)
            }
        } onCancel: {
            let waiter: Waiter? = inner.withLock { s in
                if let index = s.waiters.firstIndex(where: { $0.id == id }) { return s.waiters.remove(at: index) }
                s.cancelled.insert(id)
                return nil
            }
            waiter?.cancel()
        }
    }

    /// Resumes `continuation` at once when `check` is already satisfied or the wait was cancelled;
    /// otherwise keeps it until an update satisfies it.
    private func register<T: Sendable>(
        id: UInt64, check: @escaping @Sendable (inout ChildRecord) -> T?,
        continuation: CheckedContinuation<T, any Error>
    ) {
        let poll: @Sendable (inout ChildRecord) -> (@Sendable () -> Void)? = { record in
            guard let value = check(&record) else { return nil }
            return { continuation.resume(returning: value) }
        }
        let waiter = Waiter(id: id, poll: poll, cancel: { continuation.resume(throwing: CancellationError()) })
        let resumeNow: (@Sendable () -> Void)? = inner.withLock { s in
            if let resume = poll(&s.record) { return resume }
            if s.cancelled.remove(id) != nil { return waiter.cancel }
            s.waiters.append(waiter)
            return nil
        }
        resumeNow?()
    }

    /// Sends `signal` through the pidfd: never to another process that reused the id; a no-op once
    /// the child has been reaped.
    func kill(_ signal: Int32) {
        inner.withLock { s in _ = pidfdSendSignal(s.pidFD, signal, nil, 0) }
    }

    /// Writes all of `bytes` to the child's stdin (if it is a pipe still open).
    func send(_ bytes: [UInt8]) {
        inner.withLock { s in
            guard s.stdinFD >= 0 else { return }
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(s.stdinFD, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }

    func closeInput() {
        inner.withLock { s in
            if s.stdinFD >= 0 { close(s.stdinFD) }
            s.stdinFD = -1
        }
    }
}

/// The thread body of a ChildProcess: writes its initial input, reads stdout and stderr as they
/// come, and reaps the child when its pidfd says it exited; records each step in the state.
struct ChildIO: Sendable {
    let pid: pid_t
    let pidFD: Int32
    let state: ChildState
    var stdoutFD: Int32
    var stderrFD: Int32
    var inputFD: Int32
    var input: [UInt8]

    mutating func run() {
        var written = 0
        if inputFD >= 0 {
            if input.isEmpty {
                close(inputFD)
                inputFD = -1
            } else {
                _ = fcntl(inputFD, F_SETFL, fcntl(inputFD, F_GETFL) | O_NONBLOCK)
            }
        }
        var exited = false
        var chunk = [UInt8](repeating: 0, count: 65536)
        while stdoutFD >= 0 || stderrFD >= 0 || inputFD >= 0 || !exited {
            var polls: [pollfd] = []
            if stdoutFD >= 0 { polls.append(pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0)) }
            if stderrFD >= 0 { polls.append(pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0)) }
            if inputFD >= 0 { polls.append(pollfd(fd: inputFD, events: Int16(POLLOUT), revents: 0)) }
            if !exited { polls.append(pollfd(fd: pidFD, events: Int16(POLLIN), revents: 0)) }
            let ready = poll(&polls, nfds_t(polls.count), -1)
            if ready < 0 {
                if errno == EINTR { continue }
                preconditionFailure("poll: \(String(cString: strerror(errno)))")
            }
            for entry in polls where entry.revents != 0 {
                switch entry.fd {
                case stdoutFD, stderrFD:
                    let isStdout = entry.fd == stdoutFD
                    let n = read(entry.fd, &chunk, chunk.count)
                    if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    if n > 0 {
                        let bytes = chunk[..<n]
                        state.update { r in if isStdout { r.stdout += bytes } else { r.stderr += bytes } }
                    } else {
                        close(entry.fd)
                        if isStdout { stdoutFD = -1 } else { stderrFD = -1 }
                        state.update { r in if isStdout { r.stdoutEnded = true } else { r.stderrEnded = true } }
                    }
                case inputFD:
                    let n = input[written...].withUnsafeBytes { write(inputFD, $0.baseAddress, $0.count) }
                    if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
                    if n > 0 { written += n }
                    if n <= 0 || written == input.count {  // done, or the child closed its stdin
                        close(inputFD)
                        inputFD = -1
                    }
                default:  // the pidfd: the child exited
                    var status: Int32 = 0
                    let reaped = waitpid(pid, &status, WNOHANG)
                    if reaped < 0 && errno == EINTR { continue }
                    exited = true
                    let signal: Int32? = (status & 0x7F) == 0 ? nil : status & 0x7F
                    let code = signal.map { 128 + $0 } ?? (status >> 8) & 0xFF
                    state.update { r in
                        r.status = code
                        r.signal = signal
                    }
                }
            }
        }
    }
}

/// `pidfd_open`, `pidfd_send_signal` (glibc 2.36), `pipe2` and `pthread_setname_np`, which Swift's
/// Glibc module does not export (some are behind `_GNU_SOURCE`); looked up by name.
private typealias PidfdOpen = @convention(c) (pid_t, UInt32) -> Int32
private typealias SetThreadName = @convention(c) (pthread_t, UnsafePointer<CChar>) -> Int32
private typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>, Int32) -> Int32
private typealias PidfdSendSignal = @convention(c) (Int32, Int32, UnsafeMutableRawPointer?, UInt32) -> Int32

private func symbol<T>(_ name: String, as type: T.Type) -> T {
    guard let address = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else {
        preconditionFailure("glibc without \(name) (needs 2.36 or later)")
    }
    return unsafeBitCast(address, to: type)
}

/// `pipe2`: both ends close-on-exec from the start.
func pipeCloseOnExec(_ fds: UnsafeMutablePointer<Int32>) -> Int32 { symbol("pipe2", as: Pipe2.self)(fds, O_CLOEXEC) }

func pidfdOpen(_ pid: pid_t) -> Int32 { symbol("pidfd_open", as: PidfdOpen.self)(pid, 0) }

private func pidfdSendSignal(_ fd: Int32, _ signal: Int32, _ info: UnsafeMutableRawPointer?, _ flags: UInt32) -> Int32 {
    symbol("pidfd_send_signal", as: PidfdSendSignal.self)(fd, signal, info, flags)
}

/// Runs `body` on a new detached thread (not one of the cooperative pool) named `name`.
func startThread(named name: String, _ body: @escaping @Sendable () -> Void) {
    final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(_ name: String, _ body: @escaping @Sendable () -> Void) {
            self.name = name
            self.body = body
        }
    }
    let context = Unmanaged.passRetained(Box(name, body)).toOpaque()
    var thread = pthread_t()
    let result = pthread_create(
        &thread, nil,
        { raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeRetainedValue()
            _ = symbol("pthread_setname_np", as: SetThreadName.self)(pthread_self(), String(box.name.prefix(15)))
            box.body()
            return nil
        }, context)
    precondition(result == 0, "pthread_create: \(String(cString: strerror(result)))")
    pthread_detach(thread)
}
