import Testing
@testable import H2RPC

@Suite struct SubchannelStateMachineTests {
    @Test func failedAttemptsBackOffGrowingAndAConnectionResetsIt() {
        var machine = SubchannelStateMachine(random: { 0 })  // no jitter
        #expect(machine.connect() == .startConnecting(timeout: .seconds(20)))
        #expect(machine.connect() == nil)  // already connecting
        #expect(machine.connectFailed() == .scheduleBackoff(.seconds(1)))
        #expect(machine.state == .transientFailure)
        #expect(machine.connect() == nil)  // not during the backoff
        machine.backoffElapsed()
        #expect(machine.state == .idle)
        _ = machine.connect()
        #expect(machine.connectFailed() == .scheduleBackoff(.milliseconds(1600)))
        machine.backoffElapsed()
        _ = machine.connect()
        #expect(machine.connectFailed() == .scheduleBackoff(.milliseconds(2560)))
        machine.backoffElapsed()
        _ = machine.connect()
        machine.connected()
        #expect(machine.state == .ready)
        machine.connectionClosed()
        #expect(machine.state == .idle)
        _ = machine.connect()
        #expect(machine.connectFailed() == .scheduleBackoff(.seconds(1)))  // reset by the connection
    }

    @Test func backoffIsCappedAndJittered() {
        var machine = SubchannelStateMachine(
            backoff: .init(initial: .seconds(100), maximum: .seconds(120)), random: { 1 })
        _ = machine.connect()
        #expect(machine.connectFailed() == .scheduleBackoff(.seconds(120)))  // 100 s + 20 %
        machine.backoffElapsed()
        #expect(machine.connect() == .startConnecting(timeout: .seconds(120)))  // max(backoff, 20 s)
        #expect(machine.connectFailed() == .scheduleBackoff(.seconds(144)))  // capped 120 s + 20 %
    }

    @Test func disconnectAndShutdown() {
        var machine = SubchannelStateMachine(random: { 0 })
        #expect(machine.disconnect() == nil)
        _ = machine.connect()
        #expect(machine.disconnect() == .close)
        #expect(machine.state == .idle)
        _ = machine.connect()
        machine.connected()
        #expect(machine.shutdown() == .close)
        #expect(machine.state == .shutdown)
        #expect(machine.connect() == nil)
    }
}
