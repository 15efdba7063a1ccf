import ProtoWire

extension RPCChannel {
    /// A client- or bidirectional-streaming call under a hedging policy (gRFC A6): the caller sends
    /// on a call whose transport is a `HedgedStreamingCall`, which sends every message to every
    /// attempt until the call commits. Its first attempt is started here.
    /// - Throws: ``RPCError`` CANCELLED when the task is cancelled while the first attempt starts.
    func hedgedStreaming(
        path: String, options: CallOptions, policy: HedgingPolicy, observers: ClientObservers
    ) async throws(RPCError) -> ClientCallOwner {
        let hedged = HedgedStreamingCall(channel: self, path: path, options: options, observers: observers)
        // The call the caller sends on: it frames (and compresses) each message once, as the
        // options say, and hands it to the attempts.
        let sending = ClientCall(
            maxReceiveMessageSize: options.maxReceiveMessageSize ?? configuration.maxReceiveMessageSize,
            maxSendMessageSize: options.maxSendMessageSize ?? configuration.maxSendMessageSize,
            compression: options.compression)
        sending.attach(hedged)
        let owner = ClientCallOwner(sending, retried: hedged)
        await hedged.start(policy: policy)
        if Task.isCancelled {
            let cancelled = RPCError(code: .cancelled, message: "cancelled while starting the call")
            sending.cancel(status: cancelled)
            throw cancelled
        }
        return owner
    }

    /// A server-streaming call under a hedging policy (gRFC A6): its one request goes to every
    /// attempt; the call is returned once an attempt's response headers commit it (its messages
    /// and status are then the caller's), or throws the status of the attempt whose failure was
    /// final.
    func hedgedServerStreaming<Req: ProtoMessage, Resp: ProtoMessage>(
        path: String, request: Req, options: CallOptions, policy: HedgingPolicy, observers: ClientObservers
    ) async throws(RPCError) -> ServerStreamingCall<Resp> {
        let owner = try await hedgedStreaming(path: path, options: options, policy: policy, observers: observers)
        try await owner.call.send(request, compressed: nil, endStream: true)
        let committed = try await owner.responseCall()
        let head: Result<ResponseHead, RPCError>
        do {
            head = try await committed.waitForHead()
        } catch {
            owner.call.cancel()
            throw RPCError(code: .cancelled, message: "cancelled while waiting for the response headers")
        }
        if case .failure(let error) = head { throw error }
        return ServerStreamingCall(owner: owner, observers: observers)
    }
}
