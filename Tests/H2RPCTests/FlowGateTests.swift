import Synchronization
import Testing
@testable import H2RPC

/// The flow gate's drain action: set when the stream starts withholding, run once when the reader
/// catches up, released (not run) when the stream ends.
@Suite struct FlowGateTests {
    /// Counts runs of the drain action; its deinit tells whether the gate let go of it.
    final class Probe: Sendable {
        let runs = Counter()
        let released: Counter
        init(released: Counter) { self.released = released }
        deinit { released.increment() }
    }

    final class Counter: Sendable {
        private let count = Atomic<Int>(0)
        func increment() { count.add(1, ordering: .relaxed) }
        var value: Int { count.load(ordering: .relaxed) }
    }

    @Test func drainRunsOnceWhenTheReaderCatchesUp() {
        let gate = FlowGate()
        let released = Counter()
        do {
            let probe = Probe(released: released)
            gate.added(FlowGate.highWater)
            let shouldWithhold = gate.shouldWithhold
            #expect(shouldWithhold)
            let withholding = gate.startWithholding(onDrain: { probe.runs.increment() })
            #expect(withholding)
            gate.taken(FlowGate.highWater / 4)
            #expect(probe.runs.value == 0)  // still above half the high-water mark
            gate.taken(FlowGate.highWater / 2)
            #expect(probe.runs.value == 1)
            gate.taken(FlowGate.highWater / 4)
            #expect(probe.runs.value == 1)  // once
        }
        #expect(released.value == 1)  // the gate kept no reference after running it
    }

    @Test func clearReleasesTheActionWithoutRunningIt() {
        let gate = FlowGate()
        let released = Counter()
        let runs = Counter()
        do {
            let probe = Probe(released: released)
            gate.added(FlowGate.highWater)
            let withholding = gate.startWithholding(onDrain: {
                probe.runs.increment(); runs.increment()
            })
            #expect(withholding)
        }
        #expect(released.value == 0)  // held by the gate
        gate.clear()
        #expect(released.value == 1)
        gate.taken(FlowGate.highWater)
        #expect(runs.value == 0)
    }

    @Test func aGateDroppedWhileWithholdingReleasesTheAction() {
        let released = Counter()
        do {
            let gate = FlowGate()
            let probe = Probe(released: released)
            gate.added(FlowGate.highWater)
            let withholding = gate.startWithholding(onDrain: { probe.runs.increment() })
            #expect(withholding)
        }
        #expect(released.value == 1)
    }

    /// A reader that caught up between the stream's check and its start: the stream gives the
    /// window back itself and the action never runs.
    @Test func readerAlreadyCaughtUpMeansNoWithholding() {
        let gate = FlowGate()
        let runs = Counter()
        gate.added(FlowGate.highWater / 4)
        let withholding = gate.startWithholding(onDrain: { runs.increment() })
        #expect(!withholding)
        gate.taken(FlowGate.highWater / 4)
        #expect(runs.value == 0)
    }
}
