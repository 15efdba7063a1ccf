@testable import EventIO
import TestSupport
import Glibc
import Testing

/// CPU time (user + system, in clock ticks of 10 ms) of this process's threads whose name starts with `prefix`.
func threadCPUTicks(namedWithPrefix prefix: String) -> Int {
    guard let tids = threadIDs(namedWithPrefix: prefix) else { return -1 }
    var ticks = 0
    for tid in tids {
        guard let stat = readTextFile("/proc/self/task/\(tid)/stat"), let close = stat.lastIndex(of: ")") else { continue }
        // After "pid (comm)": state is field 3, utime 14, stime 15 (proc(5)).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        ticks += (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)
    }
    return ticks
}

/// A group's loops after a burst of work, then idle for `idle`: the CPU ticks they used meanwhile.
func idleCPUTicks(_ group: EventLoopGroup, idle: Duration) async throws -> Int {
    for loop in group.loops { await onLoop(loop) {} }
    let before = threadCPUTicks(namedWithPrefix: group.threadNamePrefix)
    try await Task.sleep(for: idle)
    return threadCPUTicks(namedWithPrefix: group.threadNamePrefix) - before
}

@Suite struct BusyPollTests {
    /// Everything a loop does still works while it polls: socket echo, timers, work from other
    /// threads, shutdown (the wake-up write is seen by a zero-timeout poll).
    @Test func pollingLoopsEchoRunTimersTakeCrossThreadWorkAndShutDown() async throws {
        let group = try EventLoopGroup(loopCount: 2, busyPoll: .milliseconds(50))
        let listener = try startEchoServer(group)
        let (client, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        var expected: [UInt8] = []
        for round in 0..<200 {
            let message = patternBytes(1 + round % 64, seed: UInt32(round))
            expected += message
            client.loop.execute { client.write(message) }
            let count = expected.count
            try await withTimeout(10, "echo round \(round)") { try await collector.waitForBytes(count) }
        }
        #expect(collector.bytes == expected)

        let loop = group.loops[1]
        let elapsed = await withUnsafeContinuation { (done: UnsafeContinuation<UInt64, Never>) in
            loop.execute {
                let start = LoopClock.system.now()
                loop.schedule(after: .milliseconds(20)) { done.resume(returning: LoopClock.system.now() - start) }
            }
        }
        #expect(elapsed >= 20_000_000)

        let ran = Locked<[Int: [Int]]>([:])
        await withTaskGroup(of: Void.self) { tasks in
            for producer in 0..<3 {
                tasks.addTask {
                    for i in 0..<2_000 {
                        loop.execute {
                            precondition(loop.inEventLoop)
                            ran.withLock { $0[producer, default: []].append(i) }
                        }
                    }
                }
            }
        }
        await onLoop(loop) {}
        #expect(ran.withLock { $0 } == [0: Array(0..<2_000), 1: Array(0..<2_000), 2: Array(0..<2_000)])

        await onLoop(client.loop) { client.close() }
        await listener.close()
        let prefix = group.threadNamePrefix
        try await withTimeout(10, "shutdown of polling loops") { group.shutdown() }
        #expect(threadCount(namedWithPrefix: prefix) == 0)
    }

    /// Off (the default), an idle loop sleeps: no CPU time while nothing happens.
    @Test func withoutBusyPollIdleLoopsUseNoCPU() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        #expect(try await idleCPUTicks(group, idle: .milliseconds(500)) <= 2)
    }

    /// On, a loop polls after its last work for the window, then sleeps: with a window longer than
    /// the idle time it keeps a core busy (it does poll), with a short one it soon stops.
    @Test func busyPollSpinsForItsWindowOnly() async throws {
        let long = try EventLoopGroup(loopCount: 1, busyPoll: .seconds(10))
        #expect(try await idleCPUTicks(long, idle: .milliseconds(500)) >= 10)
        // Shutdown wakes a loop in the middle of its window.
        try await withTimeout(10, "shutdown while polling") { long.shutdown() }

        let short = try EventLoopGroup(loopCount: 1, busyPoll: .milliseconds(5))
        defer { short.shutdown() }
        #expect(try await idleCPUTicks(short, idle: .milliseconds(500)) <= 5)
    }
}
