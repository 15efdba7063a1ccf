import Testing
@testable import H2RPC

@Suite struct AttemptOutcomeTests {
    @Test func aRefusedStreamIsUnprocessedAndRetriedTransparentlyOnceEvenWithoutRetryableCode() {
        let refused = AttemptOutcome(failure: .streamReset(7), committed: false)
        #expect(refused.progress == .unprocessed)
        #expect(refused.status == .unavailable)
        var state = RetryState(policy: nil, throttle: nil)
        #expect(state.decide(after: refused) == .retryTransparently)
        #expect(state.decide(after: refused) == .commit)
        #expect(state.previousAttempts == 0)
    }

    @Test func otherResetsAndFailuresWerePossiblyProcessed() {
        #expect(AttemptOutcome(failure: .streamReset(8), committed: false).progress == .processed)
        #expect(
            AttemptOutcome(failure: RPCError(code: .unavailable, message: "x"), committed: false).progress == .processed
        )
    }

    @Test func thePushbackTrailerIsRead() {
        let error = RPCError(
            code: .unavailable, message: "x", trailingMetadata: Metadata([("grpc-retry-pushback-ms", "250")]))
        #expect(AttemptOutcome(failure: error, committed: false).pushback == .after(.milliseconds(250)))
        #expect(AttemptOutcome(failure: RPCError(code: .unavailable, message: "x"), committed: false).pushback == nil)
    }

    @Test func aCallWhoseTransparentRetryWasMadeCommitsTheNextRefusal() {
        var state = RetryState(policy: nil, throttle: nil, transparentRetryUsed: true)
        #expect(state.decide(after: AttemptOutcome(failure: .streamReset(7), committed: false)) == .commit)
    }
}
