import Glibc
import Synchronization

/// A fixed set of event-loop threads (default: one per core).
///
/// Call `shutdown()` when done: it closes every descriptor still registered with the loops
/// and joins their threads.
public final class EventLoopGroup: Sendable {
    /// The loops, in order.
    public let loops: [EventLoop]
    private let threads: LockedValue<[pthread_t]>
    private let nextIndex = Atomic<Int>(0)
    private static let groupCounter = Atomic<Int>(0)
    /// Prefix of the loop threads' names: `h2-<group>-<loop>`.
    public let threadNamePrefix: String

    /// Number of online processors.
    public static var coreCount: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// Starts `loopCount` loop threads.
    /// - Parameters:
    ///   - readBufferSize: bytes of each loop's shared read buffer.
    ///   - busyPoll: how long a loop with nothing to do keeps polling (`epoll_wait` with a zero
    ///     timeout) before it blocks; nil (the default) blocks at once. Polling trades CPU time
    ///     for latency: a reply that arrives within the window is handled without the thread
    ///     sleeping and waking again (tens of µs on a virtual CPU), but an idle loop burns its
    ///     core for up to this long after every burst of work.
    /// - Throws: `IOError` when epoll or eventfd descriptors cannot be created.
    public convenience init(
        loopCount: Int = EventLoopGroup.coreCount, readBufferSize: Int = 256 * 1024, busyPoll: Duration? = nil
    ) throws(IOError) {
        try self.init(loopCount: loopCount, readBufferSize: readBufferSize, busyPoll: busyPoll, clock: .system)
    }

    /// Starts `loopCount` loop threads whose timers run on `clock` (tests pass a manual clock).
    package init(
        loopCount: Int = EventLoopGroup.coreCount, readBufferSize: Int = 256 * 1024, busyPoll: Duration? = nil,
        clock: LoopClock
    ) throws(IOError) {
        precondition(loopCount > 0, "an event-loop group needs at least one loop")
        let number = Self.groupCounter.wrappingAdd(1, ordering: .relaxed).oldValue
        let prefix = "h2-\(number % 100_000)-"
        var loops: [EventLoop] = []
        for index in 0..<loopCount {
            loops.append(
                try EventLoop(
                    index: index, name: "\(prefix)\(index)", readBufferSize: readBufferSize, busyPoll: busyPoll,
                    clock: clock))
        }
        threadNamePrefix = prefix
        var threads: [pthread_t] = []
        for loop in loops {
            threads.append(Self.startThread(loop))
        }
        // Wait until every loop knows its thread, so that `inEventLoop` is exact from now on.
        for loop in loops {
            while !loop.hasStarted { sched_yield() }
        }
        self.loops = loops
        self.threads = LockedValue(threads)
    }

    /// The next loop, round-robin.
    public func next() -> EventLoop {
        let index = nextIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return loops[index % loops.count]
    }

    /// The loop whose thread is the caller's, if any.
    public var currentLoop: EventLoop? { loops.first { $0.inEventLoop } }

    /// Stops every loop (closing what is registered with it) and joins the threads.
    /// Idempotent. Must not be called from one of the group's loop threads.
    public func shutdown() {
        precondition(currentLoop == nil, "EventLoopGroup.shutdown() called on one of its own loops")
        let toJoin = threads.withLock { threads in
            let copy = threads
            threads.removeAll()
            return copy
        }
        for loop in loops { loop.requestShutdown() }
        for thread in toJoin { pthread_join(thread, nil) }
    }

    private static func startThread(_ loop: EventLoop) -> pthread_t {
        let box = Unmanaged.passRetained(loop).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(
            &thread, nil,
            { argument in
                let loop = Unmanaged<EventLoop>.fromOpaque(argument!).takeRetainedValue()
                loop.run()
                return nil
            }, box)
        precondition(result == 0, "pthread_create failed: \(result)")
        return thread
    }
}
