@testable import EventIO
import TestSupport
import Glibc
import Testing

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
        // A timer fires on a polling loop (the poll ends at the first timer's deadline).
        let fired = Promise<Void>()
        await loop.submit { _ = loop.schedule(after: .milliseconds(20)) { fired.complete(()) } }
        try await withTimeout(10, "the timer on a polling loop") { try await fired.wait() }

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
        await loop.submit {}
        #expect(ran.withLock { $0 } == [0: Array(0..<2_000), 1: Array(0..<2_000), 2: Array(0..<2_000)])

        await client.loop.submit { client.close() }
        await listener.close()
        let prefix = group.threadNamePrefix
        try await withTimeout(10, "shutdown of polling loops") { group.shutdown() }
        #expect(threadCount(namedWithPrefix: prefix) == 0)
    }

    /// Off (the default), an idle loop never polls: it blocks at once.
    @Test func withoutBusyPollIdleLoopsDoNotPoll() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        for _ in 0..<10 { await loop.submit {} }
        #expect(loop.busyPollWindows.value.started == 0)
    }

    /// On, a loop polls after its last work for the window, then blocks. The loop runs on a
    /// manual clock, so the window ends exactly when the test moves time past it.
    @Test func busyPollPollsForItsWindowThenBlocks() async throws {
        let clock = LoopClock.manual()
        let group = try EventLoopGroup(loopCount: 1, busyPoll: .milliseconds(10), clock: clock)
        let loop = group.loops[0]
        await loop.submit {}
        try await withTimeout(10, "a window begins") {
            try await loop.busyPollWindows.wait { $0.started >= 1 ? () : nil }
        }
        // While the clock stands still the window does not end, however long the poll takes...
        clock.move(by: .milliseconds(9))
        // ...work from another thread is seen by the polling loop...
        #expect(await loop.submit { 42 } == 42)
        #expect(loop.busyPollWindows.value.expired == 0)
        // ...and once the time passes the end of the window, the loop stops polling and blocks.
        clock.move(by: .milliseconds(20))
        try await withTimeout(10, "the window ends") {
            try await loop.busyPollWindows.wait { $0.expired >= 1 ? () : nil }
        }
        // Shutdown wakes a blocked (or polling) loop.
        try await withTimeout(10, "shutdown") { group.shutdown() }
    }
}
