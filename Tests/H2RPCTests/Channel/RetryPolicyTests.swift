import Testing
@testable import H2RPC

@Suite struct RetryPolicyTests {
    static func policy(
        maxAttempts: Int = 5, initial: Duration = .milliseconds(100), maximum: Duration = .seconds(1),
        multiplier: Double = 2,
        codes: Set<StatusCode> = [.unavailable]
    ) throws -> RetryPolicy {
        try RetryPolicy(
            maxAttempts: maxAttempts, initialBackoff: initial, maxBackoff: maximum, backoffMultiplier: multiplier,
            retryableStatusCodes: codes)
    }

    @Test func backoffFollowsA6() throws {
        // A6's example: 0.1 s, ×2, max 1 s: [80,120] ms, [160,240], [320,480], [640,960], then [800,1200].
        let p = try Self.policy()
        #expect(p.backoff(beforeRetry: 1, jitter: 0.8) == .milliseconds(80))
        #expect(p.backoff(beforeRetry: 1, jitter: 1.2) == .milliseconds(120))
        #expect(p.backoff(beforeRetry: 2, jitter: 0.8) == .milliseconds(160))
        #expect(p.backoff(beforeRetry: 3, jitter: 1.2) == .milliseconds(480))
        #expect(p.backoff(beforeRetry: 4, jitter: 1.0) == .milliseconds(800))
        #expect(p.backoff(beforeRetry: 5, jitter: 0.8) == .milliseconds(800))
        #expect(p.backoff(beforeRetry: 9, jitter: 1.2) == .milliseconds(1200))
    }

    @Test func maxAttemptsAboveFiveIsFive() throws {
        #expect(try Self.policy(maxAttempts: 10).maxAttempts == 5)
        #expect(try HedgingPolicy(maxAttempts: 7).maxAttempts == 5)
    }

    @Test func invalidFieldsAreNamed() {
        #expect(throws: ServiceConfigError(path: "maxAttempts", reason: "must be an integer ≥ 2")) {
            try Self.policy(maxAttempts: 1)
        }
        #expect(throws: ServiceConfigError(path: "initialBackoff", reason: "must be > 0")) {
            try Self.policy(initial: .zero)
        }
        #expect(throws: ServiceConfigError(path: "maxBackoff", reason: "must be > 0")) {
            try Self.policy(maximum: .seconds(-1))
        }
        #expect(throws: ServiceConfigError(path: "backoffMultiplier", reason: "must be a number > 0")) {
            try Self.policy(multiplier: 0)
        }
        #expect(throws: ServiceConfigError(path: "retryableStatusCodes", reason: "must list at least one status code"))
        {
            try Self.policy(codes: [])
        }
        #expect(throws: ServiceConfigError(path: "maxAttempts", reason: "must be an integer ≥ 2")) {
            try HedgingPolicy(maxAttempts: 1)
        }
        #expect(throws: ServiceConfigError(path: "hedgingDelay", reason: "must be ≥ 0")) {
            try HedgingPolicy(maxAttempts: 2, hedgingDelay: .seconds(-1))
        }
    }

    @Test func pushbackParsing() {
        #expect(RetryPushback(values: []) == nil)
        #expect(RetryPushback(values: ["300"]) == .after(.milliseconds(300)))
        #expect(RetryPushback(values: ["0"]) == .after(.zero))
        #expect(RetryPushback(values: ["-1"]) == .stop)
        #expect(RetryPushback(values: ["007"]) == .stop)  // redundant leading zeros
        #expect(RetryPushback(values: ["1.5"]) == .stop)
        #expect(RetryPushback(values: ["abc"]) == .stop)
        #expect(RetryPushback(values: ["2147483648"]) == .stop)  // beyond int32
        #expect(RetryPushback(values: ["1", "2"]) == .stop)
    }

    @Test func previousAttemptsHeader() {
        #expect(PreviousAttemptsHeader.name == "grpc-previous-rpc-attempts")
        #expect(PreviousAttemptsHeader.value(forAttempt: 0) == nil)
        #expect(PreviousAttemptsHeader.value(forAttempt: 2) == "2")
    }
}

@Suite struct RetryThrottleTests {
    @Test func a6ExampleStopsRetriesAtHalfTheBucket() throws {
        // 10 tokens, ratio 0.1, maxAttempts 2, a server that always fails with a retryable code.
        let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 0.1)
        let policy = try RetryPolicyTests.policy(maxAttempts: 2)
        var attemptsPerCall: [Int] = []
        for _ in 0..<4 {
            var state = RetryState(policy: policy, throttle: throttle, jitter: { 1 })
            var attempts = 1
            while case .retry = state.decide(after: AttemptOutcome(status: .unavailable)) { attempts += 1 }
            attemptsPerCall.append(attempts)
        }
        // call 1: 10→9 retry →8; call 2: 8→7 retry →6; call 3: 6→5 throttled; call 4: 5→4 throttled.
        #expect(attemptsPerCall == [2, 2, 1, 1])
        #expect(throttle.tokens == 4)
        #expect(!throttle.isRetryAllowed)
    }

    @Test func successesRefillUntilARetryIsAllowedAgain() throws {
        let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 0.1)
        for _ in 0..<5 { throttle.recordFailure() }
        #expect(throttle.tokens == 5)
        // A retry needs more than 5 tokens after the failure is charged: 6.1 before it, 11 successes.
        for _ in 0..<10 { throttle.recordSuccess() }
        #expect(throttle.tokens == 6)
        #expect(!throttle.recordFailure())  // 6 → 5: not above half
        for _ in 0..<11 { throttle.recordSuccess() }
        #expect(throttle.tokens == 6.1)
        #expect(throttle.recordFailure())  // 6.1 → 5.1 > 5
    }

    @Test func bucketIsClampedAndRatioKeepsThreeDecimals() throws {
        let throttle = try RetryThrottle(maxTokens: 3, tokenRatio: 0.5466)
        #expect(throttle.tokenRatio == 0.546)
        for _ in 0..<10 { throttle.recordSuccess() }
        #expect(throttle.tokens == 3)
        for _ in 0..<10 { throttle.recordFailure() }
        #expect(throttle.tokens == 0)
        throttle.recordSuccess()
        #expect(throttle.tokens == 0.546)
    }

    @Test func invalidSettings() {
        #expect(throws: ServiceConfigError(path: "maxTokens", reason: "must be an integer in 1…1000")) {
            try RetryThrottle(maxTokens: 0, tokenRatio: 1)
        }
        #expect(throws: ServiceConfigError(path: "maxTokens", reason: "must be an integer in 1…1000")) {
            try RetryThrottle(maxTokens: 1001, tokenRatio: 1)
        }
        #expect(throws: ServiceConfigError(path: "tokenRatio", reason: "must be a number > 0")) {
            try RetryThrottle(maxTokens: 10, tokenRatio: 0)
        }
        #expect(throws: ServiceConfigError(path: "tokenRatio", reason: "must be ≥ 0.001")) {
            try RetryThrottle(maxTokens: 10, tokenRatio: 0.0004)
        }
    }
}

@Suite struct RetryStateTests {
    @Test func retriesRetryableCodesUpToMaxAttemptsWithGrowingBackoff() throws {
        var state = RetryState(policy: try RetryPolicyTests.policy(maxAttempts: 4), throttle: nil, jitter: { 1 })
        #expect(state.previousAttempts == 0)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .retry(after: .milliseconds(100)))
        #expect(state.previousAttempts == 1)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .retry(after: .milliseconds(200)))
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .retry(after: .milliseconds(400)))
        #expect(state.previousAttempts == 3)
        #expect(state.attempts == 4)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .commit)  // exhausted
    }

    @Test func nonRetryableCodesSuccessAndCommittedAttemptsEndTheCall() throws {
        let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 1)
        let policy = try RetryPolicyTests.policy()
        var state = RetryState(policy: policy, throttle: throttle, jitter: { 1 })
        #expect(state.decide(after: AttemptOutcome(status: .invalidArgument)) == .commit)
        #expect(throttle.tokens == 10)  // not a counted failure
        state = RetryState(policy: policy, throttle: throttle, jitter: { 1 })
        // Headers were received.
        #expect(state.decide(after: AttemptOutcome(status: .unavailable, committed: true)) == .commit)
        state = RetryState(policy: policy, throttle: throttle, jitter: { 1 })
        #expect(state.decide(after: AttemptOutcome(status: .ok)) == .commit)
        state = RetryState(policy: nil, throttle: nil)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .commit)  // no policy
    }

    @Test func pushbackSetsTheDelayAndRestartsTheBackoff() throws {
        let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 1)
        var state = RetryState(policy: try RetryPolicyTests.policy(), throttle: throttle, jitter: { 1 })
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .retry(after: .milliseconds(100)))
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .retry(after: .milliseconds(200)))
        #expect(
            state.decide(after: AttemptOutcome(status: .unavailable, pushback: .after(.milliseconds(300))))
                == .retry(after: .milliseconds(300)))
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .retry(after: .milliseconds(100)))
        #expect(state.decide(after: AttemptOutcome(status: .unavailable, pushback: .stop)) == .commit)
        #expect(throttle.tokens == 5)  // four retryable failures and the stop
    }

    @Test func transparentRetriesUseNeitherAttemptsNorTokens() throws {
        let throttle = try RetryThrottle(maxTokens: 10, tokenRatio: 1)
        var state = RetryState(policy: try RetryPolicyTests.policy(maxAttempts: 2), throttle: throttle, jitter: { 1 })
        let neverSent = AttemptOutcome(status: .unavailable, progress: .neverSent)
        for _ in 0..<10 { #expect(state.decide(after: neverSent) == .retryTransparently) }
        let refused = AttemptOutcome(status: .unavailable, progress: .unprocessed)
        #expect(state.decide(after: refused) == .retryTransparently)
        // Only once for unprocessed streams; then the policy applies.
        #expect(state.decide(after: refused) == .retry(after: .milliseconds(100)))
        #expect(state.attempts == 2)
        #expect(state.previousAttempts == 1)
        #expect(throttle.tokens == 9)
        // Without a policy a refused stream is still retried transparently once.
        var plain = RetryState(policy: nil, throttle: nil)
        #expect(plain.decide(after: refused) == .retryTransparently)
        #expect(plain.decide(after: refused) == .commit)
    }

    @Test func aRetryThatWouldPassTheDeadlineIsNotMade() throws {
        var state = RetryState(policy: try RetryPolicyTests.policy(), throttle: nil, jitter: { 1 })
        #expect(state.decide(after: AttemptOutcome(status: .unavailable), remaining: .milliseconds(50)) == .commit)
    }
}

@Suite struct HedgingStateTests {
    @Test func hedgesStartOnTheDelayUpToMaxAttempts() throws {
        var state = HedgingState(
            policy: try HedgingPolicy(
                maxAttempts: 3, hedgingDelay: .milliseconds(100), nonFatalStatusCodes: [.unavailable]),
            throttle: nil)
        #expect(state.hedgingDelay == .milliseconds(100))
        #expect(state.startNext() == true)
        #expect(state.startNext() == true)
        #expect(state.startNext() == false)  // three in flight
        #expect(state.inFlight == 3)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .wait)
        #expect(state.decide(after: AttemptOutcome(status: .ok)) == .commit)  // cancel the other
    }

    @Test func nonFatalFailureStartsTheNextAtOnceAndFatalEndsTheCall() throws {
        let policy = try HedgingPolicy(maxAttempts: 3, hedgingDelay: .seconds(1), nonFatalStatusCodes: [.unavailable])
        var state = HedgingState(policy: policy, throttle: nil)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .hedgeNow)
        #expect(state.startNext() == true)
        #expect(
            state.decide(after: AttemptOutcome(status: .unavailable, pushback: .after(.milliseconds(50))))
                == .hedge(after: .milliseconds(50)))
        #expect(state.startNext() == true)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .commit)  // all used, none in flight

        state = HedgingState(policy: policy, throttle: nil)
        #expect(state.startNext() == true)
        #expect(state.decide(after: AttemptOutcome(status: .permissionDenied)) == .commit)  // fatal: cancel the rest
    }

    @Test func pushbackStopAndThrottleEndHedging() throws {
        let policy = try HedgingPolicy(maxAttempts: 5, nonFatalStatusCodes: [.unavailable])
        var state = HedgingState(policy: policy, throttle: nil)
        #expect(state.startNext() == true)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable, pushback: .stop)) == .wait)
        #expect(state.startNext() == false)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .commit)

        let throttle = try RetryThrottle(maxTokens: 4, tokenRatio: 1)
        throttle.recordFailure()
        throttle.recordFailure()  // 2 tokens: not above half
        state = HedgingState(policy: policy, throttle: throttle)
        #expect(state.startNext() == false)
        #expect(state.decide(after: AttemptOutcome(status: .unavailable)) == .commit)
    }
}

@Suite struct RetryBufferTests {
    @Test func perCallAndChannelLimits() {
        let budget = RetryBufferBudget(perCallLimit: 100, channelLimit: 150)
        var first = CallRetryBuffer(budget: budget)
        #expect(first.keep(60) == true)
        #expect(first.keep(40) == true)
        #expect(budget.bytesInUse == 100)
        var second = CallRetryBuffer(budget: budget)
        #expect(second.keep(50) == true)
        #expect(second.keep(1) == false)  // the channel is full: committed, its bytes freed
        let overflowed = second.overflowed
        #expect(overflowed)
        #expect(budget.bytesInUse == 100)
        #expect(second.keep(1) == false)  // stays committed
        #expect(first.keep(1) == false)  // over its own limit
        #expect(budget.bytesInUse == 0)
        var third = CallRetryBuffer(budget: budget)
        #expect(third.keep(100) == true)
        third.release()
        #expect(budget.bytesInUse == 0)
        do {
            var scoped = CallRetryBuffer(budget: budget)
            #expect(scoped.keep(10) == true)
        }
        #expect(budget.bytesInUse == 0)  // freed when the call's buffer goes away
    }
}
