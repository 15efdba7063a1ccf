import Testing
@testable import H2RPC

@Suite struct GRPCTimeoutTests {
    @Test func parsesEveryUnit() {
        #expect(GRPCTimeout.parse("2H") == .seconds(7200))
        #expect(GRPCTimeout.parse("3M") == .seconds(180))
        #expect(GRPCTimeout.parse("4S") == .seconds(4))
        #expect(GRPCTimeout.parse("5m") == .milliseconds(5))
        #expect(GRPCTimeout.parse("6u") == .microseconds(6))
        #expect(GRPCTimeout.parse("7n") == .nanoseconds(7))
        #expect(GRPCTimeout.parse("99999999H") != nil)
    }

    @Test(arguments: ["", "S", "1", "1x", "123456789S", "-1S", "1.5S", " 1S", "1s", "abc"])
    func rejectsMalformed(_ text: String) {
        #expect(GRPCTimeout.parse(text) == nil)
    }

    @Test func formatsWithFinestUnitThatFitsRoundingUp() {
        // grpc-go's examples (spec §2): 1 s does not fit in 8 digits of ns, so µs.
        #expect(GRPCTimeout.format(.seconds(1)) == "1000000u")
        #expect(GRPCTimeout.format(.milliseconds(1)) == "1000000n")
        #expect(GRPCTimeout.format(.nanoseconds(99_999_999)) == "99999999n")
        #expect(GRPCTimeout.format(.nanoseconds(100_000_001)) == "100001u")
        #expect(GRPCTimeout.format(.seconds(3600)) == "3600000m")
        #expect(GRPCTimeout.format(.seconds(200_000)) == "200000S")
        #expect(GRPCTimeout.format(.seconds(100_000_000)) == "1666667M")
        #expect(GRPCTimeout.format(.zero) == "0n")
        #expect(GRPCTimeout.format(.seconds(-3)) == "0n")
    }

    @Test func formatThenParseNeverShortens() {
        for d: Duration in [
            .nanoseconds(1), .microseconds(1234), .milliseconds(98765), .seconds(123456), .seconds(9_000_000),
        ] {
            let parsed = GRPCTimeout.parse(GRPCTimeout.format(d))!
            #expect(parsed >= d)
            #expect(GRPCTimeout.format(d).utf8.count <= 9)
        }
    }
}
