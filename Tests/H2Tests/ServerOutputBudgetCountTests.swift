import Synchronization
import Testing

@testable import H2

/// The count all connections of a server charge their queued output to: charges over the limit
/// are recorded and reported, and a registered wake-up runs once the count is back under half.
@Suite struct ServerOutputBudgetCountTests {
    @Test func aWaiterIsWokenOnceTheCountIsBackUnderHalfTheLimit() {
        let budget = ServerOutputBudget(limit: 100)
        #expect(budget.charge(80))
        #expect(!budget.charge(40), "120 of 100")
        #expect(budget.chargedBytes == 120)
        let woken = Atomic<Int>(0)
        #expect(budget.waitForDrain { woken.add(1, ordering: .relaxed) })
        budget.credit(60)
        #expect(woken.load(ordering: .relaxed) == 0, "60 is over half of 100")
        budget.credit(10)
        #expect(woken.load(ordering: .relaxed) == 1)
        budget.credit(10)
        #expect(woken.load(ordering: .relaxed) == 1, "woken once")
        #expect(budget.peakChargedBytes == 120)
    }

    @Test func aWaiterIsNotRegisteredWhenTheCountIsAlreadyUnderHalf() {
        let budget = ServerOutputBudget(limit: 100)
        #expect(!budget.charge(150))
        budget.credit(100)
        #expect(!budget.waitForDrain {}, "50 is not over half of 100")
        #expect(budget.chargedBytes == 50)
    }
}
