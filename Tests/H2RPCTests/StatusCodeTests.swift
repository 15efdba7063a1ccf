import Testing
@testable import H2RPC

@Suite struct StatusCodeTests {
    @Test func namesMatchStatusCodesDoc() {
        #expect(StatusCode.ok.rawValue == 0)
        #expect(StatusCode.deadlineExceeded.rawValue == 4)
        #expect(StatusCode.unauthenticated.rawValue == 16)
        #expect(StatusCode.resourceExhausted.description == "RESOURCE_EXHAUSTED")
        #expect(StatusCode(rawValue: 42).description == "CODE(42)")
    }

    @Test func wireValuesOutsideRangeBecomeUnknown() {
        #expect(StatusCode(wireValue: 17) == .unknown)
        #expect(StatusCode(wireValue: -1) == .unknown)
        #expect(StatusCode(wireValue: 12) == .unimplemented)
    }

    @Test func httpStatusMapping() {
        #expect(StatusCode.forHTTPStatus(400) == .internal)
        #expect(StatusCode.forHTTPStatus(401) == .unauthenticated)
        #expect(StatusCode.forHTTPStatus(403) == .permissionDenied)
        #expect(StatusCode.forHTTPStatus(404) == .unimplemented)
        #expect(StatusCode.forHTTPStatus(429) == .unavailable)
        #expect(StatusCode.forHTTPStatus(503) == .unavailable)
        #expect(StatusCode.forHTTPStatus(200) == .unknown)
    }

    @Test func resetCodeMapping() {
        #expect(StatusCode.forResetCode(8) == .cancelled)
        #expect(StatusCode.forResetCode(7) == .unavailable)
        #expect(StatusCode.forResetCode(11) == .resourceExhausted)
        #expect(StatusCode.forResetCode(1) == .internal)
    }

    @Test func errorDescriptionNamesCodeAndMessage() {
        #expect(
            RPCError(code: .unimplemented, message: "unknown service x").description
                == "UNIMPLEMENTED: unknown service x")
    }
}
