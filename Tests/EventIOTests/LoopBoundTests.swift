@testable import EventIO
import Testing

@Suite struct LoopBoundTests {
    final class Counter { var count = 0 }

    @Test func theValueTravelsToItsLoopAndIsUsedThere() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let bound = LoopBound(Counter(), on: loop)
        let count = await loop.submit { () -> Int in
            bound.value.count += 2
            return bound.value.count
        }
        #expect(count == 2)
    }

    #if DEBUG
        @Test func readingTheValueOffItsLoopTraps() async {
            await #expect(processExitsWith: .failure) {
                let group = try EventLoopGroup(loopCount: 1)
                let bound = LoopBound(Counter(), on: group.loops[0])
                _ = bound.value.count
            }
        }
    #endif
}
