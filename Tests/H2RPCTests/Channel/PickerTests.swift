import Testing
@testable import H2RPC

@Suite struct PickerTests {
    let a = SubchannelID(rawValue: 1)
    let b = SubchannelID(rawValue: 2)

    @Test func aNewPickerOverTheSameReadySubchannelsKeepsTheRotationGoing() {
        let current = Picker.roundRobin([a, b], start: 0)
        #expect(current.pick(waitForReady: false) == .pick(a))
        // A state change elsewhere makes a new picker with another random start: the rotation goes on.
        let installed = Picker.roundRobin([a, b], start: 0).replacing(current)
        #expect(installed.pick(waitForReady: false) == .pick(b))
        #expect(installed.pick(waitForReady: false) == .pick(a))
    }

    @Test func aPickerOverOtherSubchannelsOrAnotherStateReplacesTheCurrentOne() {
        let current = Picker.roundRobin([a, b], start: 0)
        _ = current.pick(waitForReady: false)
        #expect(Picker.roundRobin([a], start: 0).replacing(current).pick(waitForReady: false) == .pick(a))
        #expect(Picker.queue.replacing(current).pick(waitForReady: false) == .queue)
        #expect(current.replacing(Picker.queue).readyCount == 2)
    }
}
