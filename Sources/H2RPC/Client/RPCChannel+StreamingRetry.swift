import ProtoWire

extension RPCChannel {
    /// A server-streaming call under a retry policy (gRFC A6): its one request is kept, and an
    /// attempt that ends before response headers arrive (Trailers-Only, a refused stream, a lost
    /// connection) with a retryable status is retried as a unary call is. The call is returned
    /// once an attempt's response headers arrive, which commits it to that attempt; its messages
    /// and status are then the caller's.
    func retryingServerStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, options: CallOptions, policy: RetryPolicy
    ) async throws(RPCError) -> ServerStreamingCall<Resp> {
        var options = options
        let deadline = options.timeout.map { ContinuousClock.now + $0 }
        var retry = RetryState(policy: policy, throttle: throttle)
        var buffer = CallRetryBuffer(budget: retryBuffer)
        let fits = buffer.keep(request.encodedSize())
        while true {
            if let deadline { options.timeout = deadline - .now }
            options.previousRPCAttempts = retry.previousAttempts
            let call = try newCall(path: path, options: options)
            // Dropped unreturned (a failed attempt, or cancellation), the owner cancels the call.
            let owner = ClientCallOwner(call)
            let failure: RPCError
            do throws(RPCError) {
                try await start(call, path: path, options: options, soleRequest: request)
                let head: Result<ResponseHead, RPCError>
                do {
                    head = try await call.head.wait()
                } catch {
                    throw RPCError(code: .cancelled, message: "cancelled while waiting for the response headers")
                }
                switch head {
                case .success:
                    return ServerStreamingCall(owner: owner)
                case .failure(let error):
                    throw error
                }
            } catch {
                failure = error
            }
            guard failure.code != .cancelled || !Task.isCancelled else { throw failure }
            switch retry.decide(after: AttemptOutcome(failure: failure, committed: !fits), remaining: deadline.map { $0 - .now }) {
            case .commit:
                throw failure
            case .retryTransparently:
                continue
            case .retry(let delay):
                do {
                    try await Task.sleep(for: delay)
                } catch {
                    throw RPCError(code: .cancelled, message: "cancelled while waiting to retry")
                }
            }
        }
    }
}
