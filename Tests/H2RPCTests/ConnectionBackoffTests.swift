import Testing
@testable import H2RPC

@Suite struct ConnectionBackoffTests {
    func close(_ d: Duration, _ seconds: Double) -> Bool {
        abs(Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 - seconds) < 1e-6
    }

    @Test func growsByMultiplierUpToTheCapAndResets() {
        var b = ConnectionBackoff()
        #expect(close(b.nextDelay(random: 0), 1))
        #expect(close(b.nextDelay(random: 0), 1.6))
        #expect(close(b.nextDelay(random: 0), 2.56))
        for _ in 0..<20 { _ = b.nextDelay(random: 0) }
        #expect(close(b.nextDelay(random: 0), 120))
        b.reset()
        #expect(close(b.nextDelay(random: 1), 1.2))
        #expect(close(b.nextDelay(random: -1), 1.6 * 0.8))
    }
}
