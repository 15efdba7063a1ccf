import Testing
@testable import H2RPC

@Suite struct ConnectivityStateMonitorTests {
    @Test func everySubscriberSeesTheCurrentStateThenEachChangeInOrder() async {
        let monitor = ConnectivityStateMonitor()
        let first = monitor.changes()
        monitor.update(.connecting)
        let second = monitor.changes()
        #expect(monitor.update(.ready))
        #expect(!monitor.update(.ready))  // not a change
        monitor.update(.transientFailure)
        monitor.update(.shutdown)
        #expect(!monitor.update(.connecting))  // SHUTDOWN is terminal
        var seenByFirst: [ConnectivityState] = []
        for await state in first { seenByFirst.append(state) }
        var seenBySecond: [ConnectivityState] = []
        for await state in second { seenBySecond.append(state) }
        #expect(seenByFirst == [.idle, .connecting, .ready, .transientFailure, .shutdown])
        #expect(seenBySecond == [.connecting, .ready, .transientFailure, .shutdown])
        #expect(monitor.current == .shutdown)
    }

    @Test func subscribingAfterShutdownYieldsShutdownAndEnds() async {
        let monitor = ConnectivityStateMonitor()
        monitor.update(.shutdown)
        var seen: [ConnectivityState] = []
        for await state in monitor.changes() { seen.append(state) }
        #expect(seen == [.shutdown])
    }

    @Test func aSubscriberThatStopsIsForgotten() async {
        let monitor = ConnectivityStateMonitor()
        do {
            var iterator = monitor.changes().makeAsyncIterator()
            #expect(await iterator.next() == .idle)
        }
        // The dropped stream's termination removed it; updates after it still reach new subscribers.
        let later = monitor.changes()
        monitor.update(.ready)
        monitor.update(.shutdown)
        var seen: [ConnectivityState] = []
        for await state in later { seen.append(state) }
        #expect(seen == [.idle, .ready, .shutdown])
    }

    @Test func namesAreGRPCs() {
        #expect(
            [ConnectivityState.idle, .connecting, .ready, .transientFailure, .shutdown].map(\.description) == [
                "IDLE", "CONNECTING", "READY", "TRANSIENT_FAILURE", "SHUTDOWN",
            ])
    }
}
