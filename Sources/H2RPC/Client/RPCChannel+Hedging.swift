import ProtoWire

extension RPCChannel {
    /// What one step of a hedged call brought: an attempt's end, or the hedging timer.
    private enum HedgeEvent<Resp: ProtoMessage>: Sendable {
        case attempt(Result<RPCResponse<Resp>, RPCError>, committed: Bool)
        case timer
    }

    /// A unary call under a hedging policy (gRFC A6): the first attempt starts at once, another
    /// every `hedgingDelay` while none has answered (up to `maxAttempts`, while retry throttling
    /// allows), each a new stream picked afresh carrying `grpc-previous-rpc-attempts`. The first
    /// success, or a failure with a status not listed as non-fatal, or response headers, ends the
    /// call; the other attempts are cancelled (their streams reset). A non-fatal failure starts
    /// the next attempt at once (or after the server's pushback).
    func hedgedUnary<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, options: CallOptions, policy: HedgingPolicy
    ) async throws(RPCError) -> RPCResponse<Resp> {
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var hedging = HedgingState(policy: policy, throttle: throttle)
        let result = await withTaskGroup(of: HedgeEvent<Resp>.self) { group -> Result<RPCResponse<Resp>, RPCError> in
            func launch(_ previousAttempts: Int) {
                var attemptOptions = options
                if let deadline { attemptOptions.timeout = deadline - .now }
                attemptOptions.previousRPCAttempts = previousAttempts
                group.addTask { await self.hedgeAttempt(path: path, request: request, options: attemptOptions) }
            }
            func schedule(after delay: Duration) {
                group.addTask {
                    try? await Task.sleep(for: delay)
                    return .timer
                }
            }
            launch(0)
            schedule(after: hedging.hedgingDelay)
            var lastFailure = RPCError(code: .unavailable, message: "no attempt finished")
            var attemptsRunning = 1
            while let event = await group.next() {
                switch event {
                case .timer:
                    guard !Task.isCancelled, hedging.startNext() else { continue }
                    launch(hedging.started - 1)
                    attemptsRunning += 1
                    schedule(after: hedging.hedgingDelay)
                case .attempt(let result, let committed):
                    attemptsRunning -= 1
                    let outcome: AttemptOutcome
                    switch result {
                    case .success: outcome = AttemptOutcome(status: .ok)
                    case .failure(let error):
                        lastFailure = error
                        outcome = AttemptOutcome(failure: error, committed: committed)
                    }
                    switch hedging.decide(after: outcome) {
                    case .commit:
                        group.cancelAll()
                        return result
                    case .hedgeNow:
                        if hedging.startNext() {
                            launch(hedging.started - 1)
                            attemptsRunning += 1
                        }
                    case .hedge(let delay):
                        schedule(after: delay)
                    case .wait:
                        break
                    }
                    // Nothing running and nothing more allowed: the last failure is the call's.
                    if attemptsRunning == 0, !hedging.canStartMore {
                        group.cancelAll()
                        return .failure(lastFailure)
                    }
                }
            }
            return .failure(lastFailure)
        }
        return try result.get()
    }

    /// One attempt of a hedged call, to its end; cancelling the task cancels the call.
    private func hedgeAttempt<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, options: CallOptions
    ) async -> HedgeEvent<Resp> {
        let call: ClientCall
        do {
            call = try newCall(path: path, options: options)
        } catch {
            return .attempt(.failure(error), committed: false)
        }
        do throws(RPCError) {
            try await start(call, path: path, options: options, soleRequest: request)
            let message: Resp = try await call.receiveSingle()
            let response = RPCResponse(
                message: message, initialMetadata: try await call.initialMetadata(),
                trailingMetadata: await call.trailingMetadata())
            return .attempt(.success(response), committed: true)
        } catch {
            // Response headers (not Trailers-Only) commit the call to this attempt.
            let headersArrived: Bool
            if case .success? = call.head { headersArrived = true } else { headersArrived = false }
            return .attempt(.failure(error), committed: headersArrived)
        }
    }
}
