import Testing
@testable import H2RPC

@Suite struct PickFirstBalancerTests {
    static let a = ResolvedAddress.ipv6(host: "::1", port: 1)
    static let b = ResolvedAddress.ipv4(host: "127.0.0.1", port: 2)
    static let c = ResolvedAddress.ipv4(host: "127.0.0.1", port: 3)
    static let refused = RPCError(code: .unavailable, message: "connection refused")

    private func id(_ n: Int) -> SubchannelID { SubchannelID(rawValue: n) }

    @Test func staysIdleUntilACallThenTriesAddressesInOrderAndKeepsTheFirstThatWorks() {
        var lb = PickFirstBalancer()
        var update = lb.updateAddresses([Self.a, Self.b, Self.c])
        #expect(
            update.actions == [
                .createSubchannel(id(0), Self.a), .createSubchannel(id(1), Self.b), .createSubchannel(id(2), Self.c),
            ])
        #expect(update.state == .idle)
        #expect(update.picker.pick(waitForReady: false) == .queue)

        update = lb.exitIdle()
        #expect(update.actions == [.connect(id(0))])
        #expect(update.state == .connecting)
        #expect(update.picker.pick(waitForReady: false) == .queue)  // fail-fast calls wait while connecting

        update = lb.subchannelStateChanged(id(0), to: .connecting, error: nil)
        #expect(update.actions == [])
        update = lb.subchannelStateChanged(id(0), to: .transientFailure, error: Self.refused)
        #expect(update.actions == [.connect(id(1))])
        #expect(update.state == .connecting)
        update = lb.subchannelStateChanged(id(1), to: .transientFailure, error: Self.refused)
        #expect(update.actions == [.connect(id(2))])
        update = lb.subchannelStateChanged(id(2), to: .ready, error: nil)
        #expect(update.actions == [.disconnect(id(0)), .disconnect(id(1))])
        #expect(update.state == .ready)
        for _ in 0..<3 { #expect(update.picker.pick(waitForReady: false) == .pick(id(2))) }

        // The others' backoffs ending changes nothing.
        update = lb.subchannelStateChanged(id(0), to: .idle, error: nil)
        #expect(update.actions == [])
        #expect(update.state == .ready)
    }

    @Test func allFailingIsStickyTransientFailureThatKeepsReconnecting() {
        var lb = PickFirstBalancer()
        _ = lb.updateAddresses([Self.a, Self.b])
        _ = lb.exitIdle()
        _ = lb.subchannelStateChanged(id(0), to: .transientFailure, error: Self.refused)
        var update = lb.subchannelStateChanged(id(1), to: .transientFailure, error: Self.refused)
        #expect(update.actions == [.requestResolution])
        #expect(update.state == .transientFailure)
        #expect(update.picker.pick(waitForReady: false) == .fail(Self.refused))
        #expect(update.picker.pick(waitForReady: true) == .queue)

        // Each subchannel's backoff ends (IDLE): reconnect it at once.
        update = lb.subchannelStateChanged(id(0), to: .idle, error: nil)
        #expect(update.actions == [.connect(id(0))])
        #expect(update.state == .transientFailure)  // sticky while trying
        update = lb.subchannelStateChanged(id(0), to: .connecting, error: nil)
        #expect(update.state == .transientFailure)
        update = lb.subchannelStateChanged(id(0), to: .transientFailure, error: Self.refused)
        #expect(update.actions == [])
        update = lb.subchannelStateChanged(id(1), to: .idle, error: nil)
        #expect(update.actions == [.connect(id(1))])
        update = lb.subchannelStateChanged(id(1), to: .transientFailure, error: Self.refused)
        #expect(update.actions == [.requestResolution])  // one resolution per subchannel-count failures
        update = lb.subchannelStateChanged(id(1), to: .idle, error: nil)
        update = lb.subchannelStateChanged(id(1), to: .ready, error: nil)
        #expect(update.state == .ready)
        #expect(update.actions == [.disconnect(id(0))])
        #expect(update.picker.pick(waitForReady: false) == .pick(id(1)))
    }

    @Test func skipsSubchannelsStillInBackoff() {
        var lb = PickFirstBalancer()
        _ = lb.updateAddresses([Self.a, Self.b])
        _ = lb.exitIdle()
        _ = lb.subchannelStateChanged(id(0), to: .transientFailure, error: Self.refused)
        _ = lb.subchannelStateChanged(id(1), to: .ready, error: nil)
        // The READY connection drops: IDLE and re-resolve; the next call starts a new pass, which
        // skips address a (still backing off) and goes straight to b.
        var update = lb.subchannelStateChanged(id(1), to: .idle, error: nil)
        #expect(update.state == .idle)
        #expect(update.actions == [.requestResolution])
        #expect(update.picker.pick(waitForReady: false) == .queue)
        _ = lb.subchannelStateChanged(id(0), to: .transientFailure, error: Self.refused)
        update = lb.exitIdle()
        #expect(update.actions == [.connect(id(1))])
    }

    @Test func newAddressListKeepsTheReadyConnectionWhenStillListed() {
        var lb = PickFirstBalancer()
        _ = lb.updateAddresses([Self.a, Self.b])
        _ = lb.exitIdle()
        _ = lb.subchannelStateChanged(id(0), to: .ready, error: nil)
        var update = lb.updateAddresses([Self.c, Self.a])
        #expect(update.actions == [.createSubchannel(id(2), Self.c), .removeSubchannel(id(1))])
        #expect(update.state == .ready)
        #expect(update.picker.pick(waitForReady: false) == .pick(id(0)))

        // A list without it starts a new pass from its first address.
        update = lb.updateAddresses([Self.b, Self.c])
        #expect(update.actions == [.createSubchannel(id(3), Self.b), .removeSubchannel(id(0)), .connect(id(3))])
        #expect(update.state == .connecting)
    }

    @Test func emptyAddressListOrResolverFailureIsTransientFailure() {
        var lb = PickFirstBalancer()
        let failure = RPCError(code: .unavailable, message: "resolving \"x\": not found")
        var update = lb.resolutionFailed(failure)
        #expect(update.state == .transientFailure)
        #expect(update.picker.pick(waitForReady: false) == .fail(failure))
        update = lb.updateAddresses([])
        #expect(update.state == .transientFailure)
        #expect(update.picker.pick(waitForReady: true) == .queue)
        update = lb.updateAddresses([Self.a])
        #expect(update.actions == [.createSubchannel(id(0), Self.a), .connect(id(0))])
        #expect(update.state == .connecting)
    }

    @Test func shutdownRemovesEverySubchannel() {
        var lb = PickFirstBalancer()
        _ = lb.updateAddresses([Self.a, Self.b, Self.a])  // duplicates collapse
        #expect(lb.shutdown() == [.removeSubchannel(id(0)), .removeSubchannel(id(1))])
        #expect(
            Picker.shutdown.pick(waitForReady: true)
                == .fail(RPCError(code: .unavailable, message: "channel is shut down")))
    }
}
