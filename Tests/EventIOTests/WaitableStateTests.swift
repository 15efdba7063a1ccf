@testable import EventIO
import TestSupport
import Testing

@Suite struct WaitableStateTests {
    @Test func aWaiterGetsWhatALoopDeliversLaterInOrderAcrossRepeatedWaits() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let queue = WaitableState<[Int]>([])
        loop.execute {
            for i in 0..<2_000 { queue.update { $0.append(i) } }
        }
        var received: [Int] = []
        while received.count < 2_000 {
            received.append(try await queue.wait { $0.isEmpty ? nil : $0.removeFirst() })
        }
        #expect(received == Array(0..<2_000))
    }

    @Test func cancellingAWaiterThatIsSuspendedThrowsCancellationError() async throws {
        let state = WaitableState<Int?>(nil)
        let registered = Promise<Void>()
        let waiter = Task { () async throws(CancellationError) -> Int in
            var checks = 0
            return try await state.wait { value in
                checks += 1
                // The second check runs under the lock just before the waiter is stored.
                if checks == 2 { registered.complete(()) }
                return value
            }
        }
        try await registered.wait()
        waiter.cancel()
        let result = await waiter.result
        #expect(throws: CancellationError.self) { try result.get() }
        // Nothing was taken: a value delivered afterwards is still there for the next waiter.
        state.update { $0 = 7 }
        #expect(try await state.wait { $0 } == 7)
    }

    @Test func aWaiterInAnAlreadyCancelledTaskReturnsAtOnce() async {
        let state = WaitableState<Int?>(nil)
        let task = Task { () async throws(CancellationError) -> Int in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await state.wait { $0 }
        }
        await #expect(throws: CancellationError.self) { try await task.value }
    }

    @Test func cancellingOneOfSeveralWaitersLeavesTheOthersWaiting() async throws {
        let state = WaitableState<Int?>(nil)
        let registered = WaitableState(0)
        func waiter() -> Task<Int, any Error> {
            Task { () async throws -> Int in
                var checks = 0
                return try await state.wait { value in
                    checks += 1
                    if checks == 2 { registered.update { $0 += 1 } }
                    return value
                }
            }
        }
        let first = waiter()
        let second = waiter()
        _ = try await registered.wait { $0 == 2 ? () : nil }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        state.update { $0 = 5 }
        #expect(try await second.value == 5)
    }

    @Test func aCompletionRacingCancellationIsEitherReturnedOrLeftForTheCompleter() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        for round in 0..<300 {
            let promise = Promise<Int>()
            let waiter = Task { () async throws(CancellationError) -> Int in
                try await promise.wait(abandoningOnCancel: true)
            }
            let accepted = Promise<Bool>()
            loop.execute { accepted.complete(promise.complete(round)) }
            waiter.cancel()
            let result = await waiter.result
            // Exactly one side keeps the value: the waiter returned it, or the completer was told
            // that nobody will take it.
            switch result {
            case .success(let value):
                #expect(value == round)
                #expect(try await accepted.wait() == true)
            case .failure:
                #expect(try await accepted.wait() == false)
            }
        }
    }

    @Test func promiseCompletesOnceForEveryWaiter() async throws {
        let promise = Promise<String>()
        #expect(promise.value == nil)
        async let a = promise.wait()
        async let b = promise.wait()
        #expect(promise.complete("first"))
        #expect(!promise.complete("second"))
        #expect(try await a == "first")
        #expect(try await b == "first")
        #expect(promise.value == "first")
    }
}
