@testable import EventIO
import Testing

@Suite struct LockTests {
    struct Failure: Error, Equatable {}

    @Test func lockedValueCountsExactlyUnderContention() async {
        let counter = LockedValue(0)
        await withTaskGroup(of: Void.self) { tasks in
            for _ in 0..<4 {
                tasks.addTask {
                    for _ in 0..<20_000 { counter.withLock { $0 += 1 } }
                }
            }
        }
        #expect(counter.value == 80_000)
    }

    @Test func lockGuardsSharedStateAndReturnsTheBodysResult() async {
        let lock = Lock()
        final class Box: @unchecked Sendable { var items: [Int] = [] }
        let box = Box()
        await withTaskGroup(of: Void.self) { tasks in
            for worker in 0..<4 {
                tasks.addTask {
                    for i in 0..<5_000 { lock.withLock { box.items.append(worker * 10_000 + i) } }
                }
            }
        }
        let count = lock.withLock { box.items.count }
        #expect(count == 20_000)
        #expect(Set(box.items).count == 20_000)
    }

    @Test func errorsThrownInsideTheLockPropagateTypedAndReleaseIt() throws {
        let value = LockedValue([1])
        #expect(throws: Failure.self) {
            try value.withLock { (items: inout [Int]) throws(Failure) -> Void in
                items.append(2)
                throw Failure()
            }
        }
        // The lock was released (a second hold would deadlock otherwise) and the change stayed.
        #expect(value.value == [1, 2])
    }
}
