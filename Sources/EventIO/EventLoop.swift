import CEventIO
import Glibc
import Synchronization

/// Receives readiness events for a descriptor registered with a loop. Loop thread only.
protocol SelectableHandler: AnyObject {
    /// `events` is the epoll event mask.
    func handleEvents(_ events: UInt32)
    /// The loop is shutting down: close the descriptor and tell the owner.
    func closeForShutdown()
}

/// Something that runs once at the end of the current loop turn, after all events, timers
/// and queued work of the turn: the place to flush output gathered during the turn.
package protocol EndOfTurnHandler: AnyObject {
    /// Called on the loop thread, once per registration.
    func endOfTurn()
}

/// One event-loop thread: an epoll descriptor, an eventfd for wake-ups, a cross-thread work
/// queue, a timer heap and the descriptors registered with it.
///
/// Methods documented "loop thread only" must be called on this loop's thread
/// (`inEventLoop`); the others are safe from any thread.
public final class EventLoop: @unchecked Sendable {
    enum Work: Sendable {
        case closure(@Sendable () -> Void)
        case job(UnownedJob)
        case isolatedJob(UnownedJob)
    }

    enum LocalWork {
        case closure(() -> Void)
        case job(UnownedJob)
        case isolatedJob(UnownedJob)
    }

    struct Inbox {
        var work: [Work] = []
        var shutDown = false
    }

    /// Position of this loop in its group.
    public let index: Int
    let epollFD: Int32
    let wakeFD: Int32
    private let inbox = LockedValue(Inbox())
    private let threadID = Atomic<UInt>(0)
    private let finished = Atomic<Bool>(false)

    // Loop-thread state.
    // `@exclusivity(unchecked)`: this state is touched only on the loop thread, and the runtime's
    // dynamic exclusivity check of a class property (swift_beginAccess, about 190 instructions)
    // ran about 35 times per gRPC call on the server, 11 % of its instructions.
    @exclusivity(unchecked) private var drained: [Work] = []
    @exclusivity(unchecked) private var local: [LocalWork] = []
    @exclusivity(unchecked) private var localSpare: [LocalWork] = []
    @exclusivity(unchecked) private var handlers: [(any SelectableHandler)?] = []
    @exclusivity(unchecked) private var endOfTurnHandlers: [any EndOfTurnHandler] = []
    @exclusivity(unchecked) private var endOfTurnSpare: [any EndOfTurnHandler] = []
    @exclusivity(unchecked) private var timers = TimerHeap()
    @exclusivity(unchecked) private var stopping = false
    /// Units of work (see `workDone()`) since the end-of-turn handlers last ran.
    @exclusivity(unchecked) private var workSinceFlush = 0
    @exclusivity(unchecked) private var inEndOfTurn = false

    /// The loop's reusable read buffer: every connection on this loop reads into it.
    let readBuffer: UnsafeMutableRawBufferPointer
    /// Staging buffers shared by this loop's connections.
    let stagingPool = StagingPool()
    /// Scratch iovec array for gathered writes.
    let iovecs: UnsafeMutablePointer<iovec>
    static let iovecCapacity = 64

    private var _taskExecutor: LoopTaskExecutor?
    private var _serialExecutor: LoopSerialExecutor?

    /// A `TaskExecutor` that runs jobs on this loop's thread. Start tasks with
    /// `Task(executorPreference: loop.taskExecutor)` so that their continuations resume here.
    public var taskExecutor: LoopTaskExecutor { _taskExecutor.unsafelyUnwrapped }
    /// A `SerialExecutor` on this loop's thread, for actors pinned to the loop. Separate from
    /// `taskExecutor` so that plain tasks do not claim actor isolation for each job.
    public var serialExecutor: LoopSerialExecutor { _serialExecutor.unsafelyUnwrapped }

    /// Name of the loop's thread (15 characters at most, a Linux limit).
    let threadName: String
    /// How long the loop polls (`epoll_wait` with timeout 0) before it blocks; 0: it blocks at once.
    let busyPollNanoseconds: UInt64
    /// The time of the loop's timers and timestamps.
    package let clock: LoopClock
    /// Busy-poll windows the loop began, and those that ended with nothing to do (then it blocked).
    /// Counted only with busy polling on (once per idle period, not per poll); tests wait on it.
    package let busyPollWindows = WaitableState<(started: Int, expired: Int)>((0, 0))

    init(
        index: Int, name: String, readBufferSize: Int, busyPoll: Duration? = nil, clock: LoopClock = .system
    ) throws(IOError) {
        self.index = index
        self.clock = clock
        self.threadName = String(name.prefix(15))
        self.busyPollNanoseconds = busyPoll?.nanosecondsClamped ?? 0
        let ep = try Syscall.call("epoll_create1") { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        let wake: Int32
        do {
            wake = try Syscall.call("eventfd") { eventfd(0, Int32(EFD_CLOEXEC | EFD_NONBLOCK)) }
        } catch {
            Syscall.close(ep)
            throw error
        }
        epollFD = ep
        wakeFD = wake
        readBuffer = .allocate(byteCount: readBufferSize, alignment: 16)
        iovecs = .allocate(capacity: Self.iovecCapacity)
        var event = epoll_event()
        event.events = EPOLLIN.rawValue
        event.data.u64 = UInt64(UInt32(bitPattern: wake))
        _ = epoll_ctl(ep, EPOLL_CTL_ADD, wake, &event)
        _taskExecutor = LoopTaskExecutor(loop: self)
        _serialExecutor = LoopSerialExecutor(loop: self)
        clock.attach(self)
    }

    deinit {
        if !finished.load(ordering: .acquiring) {
            // Never ran (the group failed to start): the thread did not close these.
            Syscall.close(epollFD)
            Syscall.close(wakeFD)
        }
        readBuffer.deallocate()
        iovecs.deallocate()
    }

    /// True when called on this loop's thread.
    @inline(__always)
    public var inEventLoop: Bool {
        threadID.load(ordering: .relaxed) == UInt(pthread_self())
    }

    /// The epoll and eventfd descriptors (for leak tests).
    var descriptors: [Int32] { [epollFD, wakeFD] }

    var hasStarted: Bool { threadID.load(ordering: .acquiring) != 0 }
    /// True once the loop's thread has closed its descriptors and ended.
    var hasFinished: Bool { finished.load(ordering: .acquiring) }

    /// Traps unless called on this loop's thread.
    @inline(__always)
    public func preconditionInEventLoop(file: StaticString = #fileID, line: UInt = #line) {
        precondition(inEventLoop, "not on the event loop's thread", file: file, line: line)
    }

    // MARK: - Work

    /// Runs `body` on the loop thread soon. Safe from any thread; one eventfd wake-up serves
    /// everything queued before the loop drains its queue.
    public func execute(_ body: @escaping @Sendable () -> Void) {
        if inEventLoop {
            local.append(.closure(body))
        } else {
            enqueueRemote(.closure(body))
        }
    }

    /// Runs `body` on the loop thread later in this turn. Loop thread only; `body` need not be `Sendable`.
    public func executeOnLoop(_ body: @escaping () -> Void) {
        preconditionInEventLoop()
        local.append(.closure(body))
    }

    /// Runs `body` on the loop thread and returns its result. Any thread except the loop's own
    /// (it would wait for itself). `body` always runs, also after the loop shut down, so this
    /// returns; it does not return early on cancellation, since it has no result to return then.
    package func submit<T: Sendable, E: Error>(_ body: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        precondition(!inEventLoop, "EventLoop.submit called on its own loop")
        let result: Result<T, E> = await withUnsafeContinuation { continuation in
            execute { continuation.resume(returning: Result { () throws(E) -> T in try body() }) }
        }
        acquireContinuationResume()
        return try result.get()
    }

    func enqueueJob(_ job: UnownedJob, isolated: Bool) {
        if inEventLoop {
            local.append(isolated ? .isolatedJob(job) : .job(job))
        } else {
            enqueueRemote(isolated ? .isolatedJob(job) : .job(job))
        }
    }

    private func enqueueRemote(_ work: Work) {
        let wakeFD = self.wakeFD
        // The wake-up write happens under the lock so that it can never hit the descriptor after
        // the loop closed it (and the number was reused by someone else's socket).
        let accepted: Bool = inbox.withLock { inbox in
            if inbox.shutDown { return false }
            if inbox.work.isEmpty {
                var one: UInt64 = 1
                _ = Glibc.write(wakeFD, &one, 8)
            }
            inbox.work.append(work)
            return true
        }
        if !accepted {
            // The loop is gone. Jobs go to the global executor; a closure runs here once the loop
            // thread has finished (nothing else touches the loop's state then), so that awaiting
            // callers (a listener's close after its group's shutdown) are not left hanging.
            switch work {
            case .job(let job), .isolatedJob(let job):
                globalConcurrentExecutor.enqueue(ExecutorJob(job))
            case .closure(let body):
                while !finished.load(ordering: .acquiring) { sched_yield() }
                body()
            }
        }
    }

    private func runLocal(budget: inout Int) {
        while !local.isEmpty && budget > 0 {
            swap(&local, &localSpare)
            for item in localSpare {
                switch item {
                case .closure(let body): body()
                case .job(let job): job.runSynchronously(on: taskExecutor.asUnownedTaskExecutor())
                case .isolatedJob(let job):
                    job.runSynchronously(
                        isolatedTo: serialExecutor.asUnownedSerialExecutor(),
                        taskExecutor: taskExecutor.asUnownedTaskExecutor())
                }
                workDone()
            }
            budget -= localSpare.count
            localSpare.removeAll(keepingCapacity: true)
        }
    }

    private func runWork() {
        var budget = 4096
        runLocal(budget: &budget)
        inbox.withLock { inbox in swap(&inbox.work, &drained) }
        for item in drained {
            switch item {
            case .closure(let body): body()
            case .job(let job): job.runSynchronously(on: taskExecutor.asUnownedTaskExecutor())
            case .isolatedJob(let job):
                job.runSynchronously(
                    isolatedTo: serialExecutor.asUnownedSerialExecutor(),
                    taskExecutor: taskExecutor.asUnownedTaskExecutor())
            }
            workDone()
            runLocal(budget: &budget)
        }
        drained.removeAll(keepingCapacity: true)
        runLocal(budget: &budget)
    }

    // MARK: - End of turn

    /// Calls `handler.endOfTurn()` once at the end of this loop turn. Loop thread only.
    /// Registering the same handler twice in a turn calls it twice: keep a flag.
    package func runAtEndOfTurn(_ handler: any EndOfTurnHandler) {
        endOfTurnHandlers.append(handler)
    }

    /// Units of work within one turn after which the end-of-turn handlers run early.
    package static let earlyFlushInterval = 16

    /// Counts one unit of work that may have queued output (a request handed to its handler, a
    /// job run). Every `earlyFlushInterval` units the end-of-turn handlers run before the turn
    /// ends: what is queued so far leaves while the turn goes on, so that the peer starts on it
    /// instead of waiting for the whole batch (on two cores, the two ends of a busy connection
    /// then work at the same time instead of taking turns). Loop thread only.
    package func workDone() {
        workSinceFlush &+= 1
        if workSinceFlush >= Self.earlyFlushInterval && !inEndOfTurn { runEndOfTurn() }
    }

    private func runEndOfTurn() {
        inEndOfTurn = true
        defer { inEndOfTurn = false }
        workSinceFlush = 0
        // Handlers may register more handlers (a session writes into its socket, which then
        // asks to be flushed): loop until none are left.
        while !endOfTurnHandlers.isEmpty {
            swap(&endOfTurnHandlers, &endOfTurnSpare)
            for handler in endOfTurnSpare { handler.endOfTurn() }
            endOfTurnSpare.removeAll(keepingCapacity: true)
        }
    }

    // MARK: - Timers

    /// Runs `body` on the loop after `delay`. Loop thread only. Cancel with `LoopTimer.cancel()`.
    @discardableResult
    public func schedule(after delay: Duration, _ body: @escaping () -> Void) -> LoopTimer {
        preconditionInEventLoop()
        let timer = LoopTimer(body)
        let deadline = clock.now() &+ delay.nanosecondsClamped
        timers.push(deadline: deadline, timer: timer)
        return timer
    }

    /// Nanoseconds on the loop's clock (monotonic; a manual clock's time in tests): cheap
    /// timestamps for idle checks, comparable with the deadlines of `schedule(after:)`. Any thread.
    @inline(__always)
    package func monotonicNanoseconds() -> UInt64 { clock.now() }

    /// The epoll_wait timeout the timers allow: -1 without timers; with a manual clock, 0 when one
    /// is due and -1 otherwise (the clock's `advance` runs them).
    private func timerTimeout() -> Int32 {
        let timeout = timers.timeoutMilliseconds(now: clock.now())
        return clock.isManual && timeout > 0 ? -1 : timeout
    }

    // MARK: - Registration

    func register(_ fd: Int32, _ handler: any SelectableHandler, events: UInt32) throws(IOError) {
        preconditionInEventLoop()
        let index = Int(fd)
        if index >= handlers.count {
            handlers.append(contentsOf: repeatElement(nil, count: index + 1 - handlers.count))
        }
        var event = epoll_event()
        event.events = events
        event.data.u64 = UInt64(UInt32(bitPattern: fd))
        _ = try Syscall.call("epoll_ctl(ADD)") { epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &event) }
        handlers[index] = handler
    }

    func modify(_ fd: Int32, events: UInt32) {
        var event = epoll_event()
        event.events = events
        event.data.u64 = UInt64(UInt32(bitPattern: fd))
        _ = epoll_ctl(epollFD, EPOLL_CTL_MOD, fd, &event)
    }

    func deregister(_ fd: Int32) {
        let index = Int(fd)
        guard index < handlers.count, handlers[index] != nil else { return }
        _ = epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil)
        handlers[index] = nil
    }

    // MARK: - Thread

    func run() {
        threadID.store(UInt(pthread_self()), ordering: .releasing)
        _ = threadName.withCString { pthread_setname_np(pthread_self(), $0) }
        let maxEvents = 256
        let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: maxEvents)
        defer { events.deallocate() }
        while true {
            runWork()
            runEndOfTurn()
            if stopping { break }
            var timeout: Int32 = local.isEmpty ? timerTimeout() : 0
            var count: Int32 = 0
            if timeout != 0 && busyPollNanoseconds > 0 {
                count = busyPoll(events, maxEvents)
                // Nothing came while spinning: block, for as long as the timers now allow.
                if count == 0 { timeout = timerTimeout() }
            }
            if count == 0 { count = epoll_wait(epollFD, events, Int32(maxEvents), timeout) }
            if count < 0 {
                if Glibc.errno == EINTR { continue }
                fatalError("epoll_wait failed: errno \(Glibc.errno)")
            }
            for i in 0..<Int(count) {
                let event = events[i]
                let fd = Int32(truncatingIfNeeded: event.data.u64)
                if fd == wakeFD {
                    var value: UInt64 = 0
                    _ = Glibc.read(wakeFD, &value, 8)
                    if inbox.withLock({ $0.shutDown }) { stopping = true }
                    continue
                }
                if Int(fd) < handlers.count, let handler = handlers[Int(fd)] {
                    handler.handleEvents(event.events)
                }
            }
            if !timers.isEmpty { runDueTimers() }
        }
        // Shutting down: close every registered descriptor, then run what that queued.
        for case let handler? in handlers { handler.closeForShutdown() }
        runWork()
        runEndOfTurn()
        runWork()
        timers.removeAll()
        // Nothing writes the eventfd any more: writers check `shutDown` and write under the lock.
        Syscall.close(epollFD)
        inbox.withLock { _ in Syscall.close(wakeFD) }
        finished.store(true, ordering: .releasing)
    }

    /// Polls without blocking for up to `busyPollNanoseconds`, or until the first timer is due:
    /// a reply that comes within that window is handled without the thread sleeping and waking
    /// again (tens of µs on a virtual CPU). Returns the event count (0: none came; < 0: error).
    private func busyPoll(_ events: UnsafeMutablePointer<epoll_event>, _ maxEvents: Int) -> Int32 {
        busyPollWindows.update { $0.started += 1 }
        // The window is on the loop's clock, so that a test with a manual clock decides when it ends.
        let start = clock.now()
        var end = start &+ busyPollNanoseconds
        if let due = timers.firstDeadline, due < end { end = due }
        while true {
            let count = epoll_wait(epollFD, events, Int32(maxEvents), 0)
            if count != 0 { return count }
            if clock.now() >= end {
                busyPollWindows.update { $0.expired += 1 }
                return 0
            }
            // A peer that shares this CPU (the other end of a loopback call) gets to run.
            sched_yield()
        }
    }

    /// Fires the timers that are due. Loop thread only.
    func runDueTimers() {
        preconditionInEventLoop()
        let now = clock.now()
        while let timer = timers.popExpired(now: now) {
            timer.fire()
        }
    }

    /// Asks the loop to stop; it closes what is registered with it and its thread ends.
    func requestShutdown() {
        let wakeFD = self.wakeFD
        inbox.withLock { inbox in
            guard !inbox.shutDown else { return }
            inbox.shutDown = true
            var one: UInt64 = 1
            _ = Glibc.write(wakeFD, &one, 8)
        }
    }
}

extension Duration {
    /// Nanoseconds, clamped to 0…UInt64.max.
    var nanosecondsClamped: UInt64 {
        let (seconds, attoseconds) = components
        if seconds < 0 { return 0 }
        let (ns, overflow) = UInt64(seconds).multipliedReportingOverflow(by: 1_000_000_000)
        if overflow { return .max }
        return ns &+ UInt64(attoseconds / 1_000_000_000)
    }
}
