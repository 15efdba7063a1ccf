import EventIO
import ProtoWire

/// What a server call needs from the transport to send: implemented by the H2-backed call.
protocol ServerCallOutbound: Sendable {
    /// Sends a framed message (prefix included), with the response headers first if not sent yet;
    /// `encoding` is the `grpc-encoding` those headers announce. Suspends while flow control holds
    /// the stream; throws when the call has ended.
    func sendMessage(_ framed: [UInt8], encoding: CompressionAlgorithm) async throws(RPCError)
}

/// The internal side of one server call, shared by the connection's loop (which delivers the
/// requests) and the handler's task (which reads requests and sends responses): received
/// messages, the flow-control gate, the limits and the stream to send on. Handlers see only its
/// `context`. What both sides change is the context's `ServerCallState`, behind one lock.
final class ServerCall: Sendable {
    /// What the handler sees.
    let context: ServerContext
    /// The method the call runs.
    let method: RPCMethod
    /// The request's content type, echoed in the response headers.
    let contentType: String
    /// Holds back flow-control window while the handler is far behind.
    let gate = FlowGate()
    /// The client's `grpc-accept-encoding` values joined by commas ("" without one): read only
    /// when a response is compressed.
    private let acceptEncoding: String
    private let maxReceiveMessageSize: Int
    private let maxSendMessageSize: Int
    private let outbound: any ServerCallOutbound
    /// The server's interceptors: each message passes their hooks.
    private let interceptors: [any ServerInterceptor]
    private var shared: WaitableState<ServerCallState> { context.state }

    init(
        context: ServerContext, method: RPCMethod, contentType: String, acceptEncoding: String = "",
        maxReceiveMessageSize: Int, maxSendMessageSize: Int, outbound: any ServerCallOutbound,
        interceptors: [any ServerInterceptor] = []
    ) {
        self.interceptors = interceptors
        self.context = context
        self.method = method
        self.contentType = contentType
        self.acceptEncoding = acceptEncoding
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxSendMessageSize = maxSendMessageSize
        self.outbound = outbound
    }

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
        guard let raw = try await next() else { return nil }
        gate.taken(raw.bytes.count)
        context.noteRequestCompressed(raw.compressed)
        var message: M = try decodeMessage(raw, encoding: context.requestCompression, limit: maxReceiveMessageSize)
        for interceptor in interceptors { message = try await interceptor.received(message, context: context) }
        return message
    }

    /// Exactly one request (unary, server streaming). Zero or several: INTERNAL, as grpc-go does.
    func receiveSingle<M: ProtoMessage>() async throws(RPCError) -> M {
        guard let first: M = try await receive() else {
            throw RPCError(code: .internal, message: "cardinality violation: expected one request, got none")
        }
        guard try await next() == nil else {
            throw RPCError(code: .internal, message: "cardinality violation: expected one request, got more")
        }
        return first
    }

    /// Encodes, frames (compressing when asked and possible) and sends one response. The response
    /// headers name an encoding only when the first response is compressed or compression is on;
    /// a compressed response after headers that said identity goes uncompressed.
    func send<M: ProtoMessage>(_ message: M, compressed: Bool?) async throws(RPCError) {
        var message = message
        for interceptor in interceptors.reversed() {
            message = try await interceptor.sending(message, context: context)
        }
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
        try await outbound.sendMessage(framed, encoding: encoding)
    }

    /// The next received message, nil after half-close.
    private func next() async throws(RPCError) -> ReceivedMessage? {
        let taken: MessageBuffer<ReceivedMessage>.Take
        do {
            taken = try await shared.wait { $0.requests.take() }
        } catch {
            throw RPCError(code: .cancelled, message: "cancelled while waiting for a message")
        }
        switch taken {
        case .element(let raw): return raw
        case .end(let error?): throw error
        case .end(nil): return nil
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
