import Testing
@testable import H2RPC

@Suite struct RoundRobinBalancerTests {
    static let addresses = (1...3).map { ResolvedAddress.ipv4(host: "127.0.0.1", port: $0) }
    static let refused = RPCError(code: .unavailable, message: "connection refused")

    private func id(_ n: Int) -> SubchannelID { SubchannelID(rawValue: n) }

    private func picks(_ picker: Picker, _ count: Int) -> [PickResult] {
        (0..<count).map { _ in picker.pick(waitForReady: false) }
    }

    @Test func connectsEveryAddressAndSpreadsCallsOverTheReadyOnes() {
        var lb = RoundRobinBalancer(randomStart: { _ in 0 })
        var update = lb.updateAddresses(Self.addresses)
        #expect(
            update.actions == [
                .createSubchannel(id(0), Self.addresses[0]), .connect(id(0)),
                .createSubchannel(id(1), Self.addresses[1]), .connect(id(1)),
                .createSubchannel(id(2), Self.addresses[2]), .connect(id(2)),
            ])
        #expect(update.state == .connecting)
        update = lb.subchannelStateChanged(id(1), to: .ready, error: nil)
        #expect(update.state == .ready)
        #expect(picks(update.picker, 2) == [.pick(id(1)), .pick(id(1))])
        update = lb.subchannelStateChanged(id(0), to: .ready, error: nil)
        update = lb.subchannelStateChanged(id(2), to: .ready, error: nil)
        #expect(picks(update.picker, 6) == [id(0), id(1), id(2), id(0), id(1), id(2)].map { .pick($0) })
    }

    /// A call (or `connect()`) that leaves IDLE before the first resolution waits for the addresses
    /// instead of failing with "no addresses resolved yet".
    @Test func callsQueueUntilTheFirstResolution() {
        var lb = RoundRobinBalancer(randomStart: { _ in 0 })
        let update = lb.exitIdle()
        #expect(update.state == .connecting)
        #expect(picks(update.picker, 1) == [.queue])
        let failed = lb.resolutionFailed(Self.refused)
        #expect(failed.state == .transientFailure)
    }

    @Test func startsAtTheRandomIndex() {
        var lb = RoundRobinBalancer(randomStart: { count in count - 1 })
        _ = lb.updateAddresses(Self.addresses)
        _ = lb.subchannelStateChanged(id(0), to: .ready, error: nil)
        _ = lb.subchannelStateChanged(id(1), to: .ready, error: nil)
        let update = lb.subchannelStateChanged(id(2), to: .ready, error: nil)
        #expect(picks(update.picker, 3) == [id(2), id(0), id(1)].map { .pick($0) })
    }

    @Test func aFailedSubchannelLeavesTheRotationReconnectsAfterItsBackoffAndRejoins() {
        var lb = RoundRobinBalancer(randomStart: { _ in 0 })
        _ = lb.updateAddresses(Self.addresses)
        for n in 0..<3 { _ = lb.subchannelStateChanged(id(n), to: .ready, error: nil) }
        // Its connection is lost: re-resolve, and it leaves the rotation.
        var update = lb.subchannelStateChanged(id(1), to: .transientFailure, error: Self.refused)
        #expect(update.actions == [.requestResolution])
        #expect(update.state == .ready)
        #expect(picks(update.picker, 4) == [id(0), id(2), id(0), id(2)].map { .pick($0) })
        // Backoff over: reconnect at once.
        update = lb.subchannelStateChanged(id(1), to: .idle, error: nil)
        #expect(update.actions == [.connect(id(1))])
        update = lb.subchannelStateChanged(id(1), to: .ready, error: nil)
        #expect(picks(update.picker, 3) == [id(0), id(1), id(2)].map { .pick($0) })
    }

    @Test func allFailedIsTransientFailureWithTheLastError() {
        var lb = RoundRobinBalancer(randomStart: { _ in 0 })
        _ = lb.updateAddresses(Self.addresses)
        var update = lb.subchannelStateChanged(id(0), to: .transientFailure, error: Self.refused)
        #expect(update.state == .connecting)
        update = lb.subchannelStateChanged(id(1), to: .transientFailure, error: Self.refused)
        let last = RPCError(code: .unavailable, message: "connection timed out")
        update = lb.subchannelStateChanged(id(2), to: .transientFailure, error: last)
        #expect(update.state == .transientFailure)
        #expect(update.actions == [.requestResolution])
        #expect(update.picker.pick(waitForReady: false) == .fail(last))
        #expect(update.picker.pick(waitForReady: true) == .queue)
    }

    @Test func newAddressListIsDiffedByAddress() {
        var lb = RoundRobinBalancer(randomStart: { _ in 0 })
        _ = lb.updateAddresses(Self.addresses)
        _ = lb.subchannelStateChanged(id(0), to: .ready, error: nil)
        let extra = ResolvedAddress.ipv6(host: "::1", port: 4)
        let update = lb.updateAddresses([Self.addresses[0], extra])
        #expect(
            update.actions == [
                .createSubchannel(id(3), extra), .connect(id(3)), .removeSubchannel(id(1)), .removeSubchannel(id(2)),
            ])
        #expect(update.state == .ready)
        #expect(picks(update.picker, 2) == [.pick(id(0)), .pick(id(0))])
    }

    @Test func pickerCounterIsSharedByConcurrentCalls() async {
        let picker = Picker.roundRobin([id(0), id(1)])
        let counts = await withTaskGroup(of: PickResult.self) { group in
            for _ in 0..<1000 { group.addTask { picker.pick(waitForReady: false) } }
            var counts: [PickResult: Int] = [:]
            for await result in group { counts[result, default: 0] += 1 }
            return counts
        }
        #expect(counts == [.pick(id(0)): 500, .pick(id(1)): 500])
    }
}
