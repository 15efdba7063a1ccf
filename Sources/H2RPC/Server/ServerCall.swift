import EventIO
import ProtoWire

/// What a server call needs from the transport to send: implemented by the H2-backed call.
protocol ServerCallOutbound: Sendable {
    /// Sends a framed message (prefix included), with the response headers first if not sent yet;
    /// `encoding` is the `grpc-encoding` those headers announce. Suspends while flow control holds
    /// the stream; throws when the call has ended.
    func sendMessage(_ framed: [UInt8], encoding: CompressionAlgorithm) async throws(RPCError)
    /// The same send without suspending, when the caller runs on the stream's loop thread: what
    /// happened (the message queued, queued above the high-water mark, or refused), or nil off
    /// the loop (then `sendMessage`). Saves an async call per response on the usual path.
    func sendWithoutSuspending(_ framed: [UInt8], encoding: CompressionAlgorithm) -> SendOutcome?
}

/// The internal side of one server call, shared by the connection's loop (which delivers the
/// requests) and the handler's task (which reads requests and sends responses): received
/// messages, the flow-control gate, the limits and the stream to send on. Handlers see only its
/// `context`.
///
/// A view on the context: the call's fixed parts (`ServerCall.Parts`), its gate and the state both
/// sides change (`ServerCallState`, behind one lock) are stored in the context object, so that a
/// call costs one object besides its lock, not one for the context and one for the call. Only
/// this type reads them.
struct ServerCall: Sendable {
    /// What the handler sees.
    let context: ServerContext

    /// What never changes during the call.
    struct Parts: Sendable {
        /// The method the call runs.
        let method: RPCMethod
        /// The request's content type, echoed in the response headers.
        let contentType: String
        /// The client's `grpc-accept-encoding` values joined by commas ("" without one): read only
        /// when a response is compressed.
        let acceptEncoding: String
        let maxReceiveMessageSize: Int
        let maxSendMessageSize: Int
        let outbound: any ServerCallOutbound
        /// The server's interceptors: each message passes their hooks.
        let interceptors: [any ServerInterceptor]
    }

    /// Makes the call and its context (one object).
    init(
        path: String, requestMetadata: Metadata, deadline: ContinuousClock.Instant?,
        requestCompression: CompressionAlgorithm, peer: ConnectionPeer = ConnectionPeer(), method: RPCMethod,
        contentType: String, acceptEncoding: String = "", maxReceiveMessageSize: Int, maxSendMessageSize: Int,
        outbound: any ServerCallOutbound, interceptors: [any ServerInterceptor] = []
    ) {
        context = ServerContext(
            path: path, requestMetadata: requestMetadata, deadline: deadline, requestCompression: requestCompression,
            peer: peer,
            call: Parts(
                method: method, contentType: contentType, acceptEncoding: acceptEncoding,
                maxReceiveMessageSize: maxReceiveMessageSize, maxSendMessageSize: maxSendMessageSize,
                outbound: outbound, interceptors: interceptors))
    }

    /// The method the call runs.
    var method: RPCMethod { context.call.method }
    /// The request's content type, echoed in the response headers.
    var contentType: String { context.call.contentType }
    /// Holds back flow-control window while the handler is far behind.
    var gate: FlowGate {
        _read { yield context.gate }
    }
    private var acceptEncoding: String { context.call.acceptEncoding }
    private var maxReceiveMessageSize: Int { context.call.maxReceiveMessageSize }
    private var maxSendMessageSize: Int { context.call.maxSendMessageSize }
    private var outbound: any ServerCallOutbound { context.call.outbound }
    private var interceptors: [any ServerInterceptor] { context.call.interceptors }
    private var shared: WaitableState<ServerCallState> { context.state }

    // MARK: events from the stream (event loop)

    /// A request arrived; ignored after `endRequests`.
    func received(_ message: ReceivedMessage) { shared.update { $0.requests.push(message) } }

    /// No more requests: the client half-closed (`error` nil) or the call ended with `error`,
    /// delivered after the requests already received. The first end wins.
    func endRequests(_ error: RPCError?) { shared.update { $0.requests.finish(error) } }

    // MARK: operations from the handler's task

    /// The next request, or nil after half-close.
    /// - Throws: the call's status when it failed; CANCELLED when the task is cancelled while waiting.
    func receive<M: ProtoMessage>() async throws(RPCError) -> M? {
        let next: ReceivedMessage?
        if let ready = try takeReady() {
            next = ready.message
        } else {
            next = try await waitForNext()
        }
        guard let raw = next else { return nil }
        gate.taken(raw.bytes.count)
        context.noteRequestCompressed(raw.compressed)
        let message: M = try decodeMessage(raw, encoding: context.requestCompression, limit: maxReceiveMessageSize)
        // Interceptors in a function of their own: the async frame of this one (taken from the
        // handler task's allocator) stays small without them.
        return interceptors.isEmpty ? message : try await interceptReceived(message)
    }

    @inline(never)
    private func interceptReceived<M: ProtoMessage>(_ message: M) async throws(RPCError) -> M {
        var message = message
        for interceptor in interceptors { message = try await interceptor.received(message, context: context) }
        return message
    }

    /// Exactly one request (unary, server streaming). Zero or several: INTERNAL, as grpc-go does.
    func receiveSingle<M: ProtoMessage>() async throws(RPCError) -> M {
        guard let first: M = try await receive() else {
            throw RPCError(code: .internal, message: "cardinality violation: expected one request, got none")
        }
        let more: Bool
        if let ready = try takeReady() {
            more = ready.message != nil
        } else {
            more = try await waitForNext() != nil
        }
        guard !more else {
            throw RPCError(code: .internal, message: "cardinality violation: expected one request, got more")
        }
        return first
    }

    /// Encodes, frames (compressing when asked and possible) and sends one response. The response
    /// headers name an encoding only when the first response is compressed or compression is on;
    /// a compressed response after headers that said identity goes uncompressed.
    func send<M: ProtoMessage>(_ message: M, compressed: Bool?) async throws(RPCError) {
        // Interceptors and waiting in functions of their own: the async frame of this one (taken
        // from the handler task's allocator) stays small without them.
        let (framed, encoding) =
            interceptors.isEmpty
            ? try frame(message, compressed: compressed) : try await frameIntercepted(message, compressed: compressed)
        guard let outcome = outbound.sendWithoutSuspending(framed, encoding: encoding) else {
            return try await outbound.sendMessage(framed, encoding: encoding)
        }
        switch outcome {
        case .sent: return
        case .full(let gate): try await Self.waitUntilOpen(gate)
        case .failed(let error): throw error
        }
    }

    @inline(never)
    private func frameIntercepted<M: ProtoMessage>(
        _ message: M, compressed: Bool?
    ) async throws(RPCError) -> ([UInt8], CompressionAlgorithm) {
        var message = message
        for interceptor in interceptors.reversed() {
            message = try await interceptor.sending(message, context: context)
        }
        return try frame(message, compressed: compressed)
    }

    @inline(never)
    private static func waitUntilOpen(_ gate: SendGate) async throws(RPCError) { try await gate.waitUntilOpen() }

    /// Encodes and frames one response (compressing when asked and possible), and the encoding
    /// the response headers name.
    private func frame<M: ProtoMessage>(
        _ message: M, compressed: Bool?
    ) throws(RPCError) -> ([UInt8], CompressionAlgorithm) {
        let requestCompression = context.requestCompression
        let acceptEncoding = acceptEncoding
        let (compress, encoding) = shared.withLock { s -> (Bool, CompressionAlgorithm) in
            let compress = compressed ?? s.compressResponses
            if let e = s.headerEncoding { return (compress, e) }
            let chosen =
                compress || s.compressResponses
                ? RequestHead.responseCompression(encoding: requestCompression, acceptEncoding: acceptEncoding)
                : .identity
            s.headerEncoding = chosen
            return (compress, chosen)
        }
        let framed = try MessageFramer.frame(
            serializedWithHeadroom: message.serializedBytes(headroom: MessageFramer.prefixSize),
            compression: compress ? encoding : .identity, maxSize: maxSendMessageSize)
        return (framed, encoding)
    }

    /// A received message (nil inside: the requests ended) when one is there or the requests
    /// ended, without suspending; nil when the handler has to wait. Unary and server-streaming
    /// requests are all there when the handler starts: the waiting code's async frame is then
    /// never taken from the task's allocator.
    private func takeReady() throws(RPCError) -> Ready? {
        guard let taken = shared.withLock({ $0.requests.take() }) else { return nil }
        return try Ready(taken)
    }

    /// The next received message, nil after half-close, once there is one.
    @inline(never)
    private func waitForNext() async throws(RPCError) -> ReceivedMessage? {
        let taken: MessageBuffer<ReceivedMessage>.Take
        do {
            taken = try await shared.wait { $0.requests.take() }
        } catch {
            throw RPCError(code: .cancelled, message: "cancelled while waiting for a message")
        }
        return try Ready(taken).message
    }

    /// What `take` returned, with the end's error thrown.
    private struct Ready {
        let message: ReceivedMessage?

        init(_ taken: MessageBuffer<ReceivedMessage>.Take) throws(RPCError) {
            switch taken {
            case .element(let raw): message = raw
            case .end(let error?): throw error
            case .end(nil): message = nil
            }
        }
    }
}

/// What the handler (through its context) and the loop (through the call) both change in one
/// server call: kept together behind one lock.
struct ServerCallState: Sendable {
    /// Set by the handler: sent with the response headers.
    var responseMetadata = Metadata()
    /// Set by the handler: sent with the status.
    var trailingMetadata = Metadata()
    /// Set by the handler: compress responses when the client accepts an algorithm.
    var compressResponses = false
    /// Received messages, in order, until the client half-closes or the call fails.
    var requests = MessageBuffer<ReceivedMessage>()
    /// The `grpc-encoding` of the response headers, fixed at the first send.
    var headerEncoding: CompressionAlgorithm?
}

/// Decompresses (when flagged) and decodes one received message; failures are INTERNAL, an
/// oversized decompressed message RESOURCE_EXHAUSTED (spec §12).
func decodeMessage<M: ProtoMessage>(
    _ raw: ReceivedMessage, encoding: CompressionAlgorithm, limit: Int
) throws(RPCError) -> M {
    var bytes = raw.bytes
    if raw.compressed {
        guard encoding != .identity else {
            throw RPCError(code: .internal, message: "grpc: compressed flag set with identity or empty encoding")
        }
        do {
            bytes = try Zlib.decompress(bytes, format: encoding, limit: limit)
        } catch .tooLarge(let limit) {
            throw RPCError(
                code: .resourceExhausted,
                message: "grpc: received message after decompression larger than max (\(limit))")
        } catch {
            throw RPCError(code: .internal, message: "grpc: failed to decompress the received message: \(error)")
        }
    }
    do {
        return try M(serializedBytes: bytes)
    } catch {
        throw RPCError(code: .internal, message: "grpc: failed to unmarshal the received message: \(error)")
    }
}
