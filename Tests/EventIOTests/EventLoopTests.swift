@testable import EventIO
import TestSupport
import Glibc
import Synchronization
import Testing

@Suite struct EventLoopTests {
    @Test func executeFromManyThreadsRunsEverythingOnTheLoopInOrderPerThread() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let seen = Locked<[Int: [Int]]>([:])
        let offLoop = Locked(0)
        let perProducer = 10_000
        await withTaskGroup(of: Void.self) { tasks in
            for producer in 0..<4 {
                tasks.addTask {
                    for i in 0..<perProducer {
                        loop.execute {
                            if !loop.inEventLoop { offLoop.withLock { $0 += 1 } }
                            seen.withLock { $0[producer, default: []].append(i) }
                        }
                    }
                }
            }
        }
        // A final closure queued after all others runs after them.
        await loop.submit {}
        #expect(offLoop.value == 0)
        let result = seen.withLock { $0 }
        for producer in 0..<4 {
            #expect(result[producer] == Array(0..<perProducer))
        }
    }

    @Test func tasksPreferringTheLoopRunOnItsThreadAcrossAwaits() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let loop = group.loops[1]
        let task = Task(executorPreference: loop.taskExecutor) { () async -> [Bool] in
            var onLoop: [Bool] = [loop.inEventLoop]
            for _ in 0..<100 {
                await withUnsafeContinuation { (c: UnsafeContinuation<Void, Never>) in
                    // Resumed from the other loop: the task must come back to its preferred loop.
                    group.loops[0].execute { c.resume() }
                }
                // The resume may come before the await (see acquireContinuationResume).
                acquireContinuationResume()
                onLoop.append(loop.inEventLoop)
            }
            await Task.yield()
            onLoop.append(loop.inEventLoop)
            return onLoop
        }
        let flags = await task.value
        #expect(flags.count == 102)
        #expect(flags.allSatisfy { $0 })
    }

    @Test func actorOnTheLoopsSerialExecutorIsIsolatedToTheLoopThread() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let counter = LoopCounter(loop: group.loops[0])
        await withTaskGroup(of: Void.self) { tasks in
            for _ in 0..<8 {
                tasks.addTask { for _ in 0..<500 { await counter.increment() } }
            }
        }
        #expect(await counter.value == 4000)
        #expect(await counter.allOnLoop)
    }

    @Test func shutdownJoinsThreadsAndClosesLoopDescriptors() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        await group.loops[0].submit {}
        let descriptors = group.loops.flatMap(\.descriptors)
        #expect(threadCount(namedWithPrefix: group.threadNamePrefix) == 2)
        #expect(descriptors.allSatisfy { fcntl($0, F_GETFD) >= 0 })
        group.shutdown()
        group.shutdown()  // idempotent
        #expect(threadCount(namedWithPrefix: group.threadNamePrefix) == 0)
        // The numbers themselves may already be reused by tests running in parallel: what is
        // checked is that every loop went through its shutdown, which closes both.
        #expect(group.loops.allSatisfy { $0.hasFinished })
    }
}

actor LoopCounter {
    let loop: EventLoop
    var value = 0
    var allOnLoop = true
    nonisolated var unownedExecutor: UnownedSerialExecutor { loop.serialExecutor.asUnownedSerialExecutor() }
    init(loop: EventLoop) { self.loop = loop }
    func increment() {
        value += 1
        if !loop.inEventLoop { allOnLoop = false }
    }
}

@Suite struct EventLoopAfterShutdownTests {
    @Test func closingAListenerAfterItsGroupShutDownDoesNotHang() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { $0.close() }
        group.shutdown()
        try await withTimeout(5, "listener close after shutdown") { await listener.close() }
    }
}
