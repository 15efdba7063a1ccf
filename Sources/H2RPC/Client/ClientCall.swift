import EventIO
import ProtoWire
import Synchronization

/// What a client call needs from the transport: implemented by the H2-backed stream.
protocol ClientCallTransport: Sendable {
    /// Sends a framed message; with `endStream` the request side closes after it.
    func sendMessage(_ framed: [UInt8], endStream: Bool) async throws(RPCError)
    /// Closes the request side (empty DATA with END_STREAM).
    func halfClose()
    /// Resets the stream with CANCEL; the call ends with `status` unless it already ended.
    func cancel(status: RPCError)
}

/// How a response began: its metadata and the algorithm its messages are compressed with.
struct ResponseHead: Sendable {
    var metadata: Metadata
    var encoding: CompressionAlgorithm
}

/// How a call ended: status (nil for OK) and trailing metadata.
struct CallEnd: Sendable {
    var error: RPCError?
    var trailingMetadata: Metadata
}

/// The state of one client call shared between the event loop (which delivers head, messages and
/// end) and the task(s) using the call. Transport-independent. Every wait on it honours task
/// cancellation: the call is cancelled and the wait throws CANCELLED.
final class ClientCall: Sendable {
    let responses: MessageInbox<ReceivedMessage>
    let gate = FlowGate()
    let head = Promise<Result<ResponseHead, RPCError>>()
    let end = Promise<CallEnd>()
    let maxReceiveMessageSize: Int
    let maxSendMessageSize: Int
    let compression: CompressionAlgorithm
    private let transportBox = Mutex<(any ClientCallTransport)?>(nil)
    private let isFinished = Atomic<Bool>(false)
    private let observer: (@Sendable (CallEnd) -> Void)?

    init(
        maxReceiveMessageSize: Int, maxSendMessageSize: Int, compression: CompressionAlgorithm,
        observer: (@Sendable (CallEnd) -> Void)? = nil
    ) {
        self.observer = observer
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxSendMessageSize = maxSendMessageSize
        self.compression = compression
        self.responses = MessageInbox()
        // Holds the call until it finishes (the inbox drops it then): cancelling a waiting reader cancels the call.
        responses.setOnCancel { self.cancel() }
    }

    var transport: (any ClientCallTransport)? { transportBox.withLock { $0 } }

    func attach(_ transport: any ClientCallTransport) { transportBox.withLock { $0 = transport } }

    // MARK: events from the transport (event loop)

    /// The response headers arrived (not Trailers-Only).
    func receivedHead(_ head: ResponseHead) { self.head.complete(.success(head)) }

    /// A response message arrived.
    func receivedMessage(_ message: ReceivedMessage) { responses.push(message) }

    /// The call ended here, before or without the server's trailers (a local error).
    func fail(_ error: RPCError) { finished(CallEnd(error: error, trailingMetadata: Metadata())) }

    /// The call ended: trailers, Trailers-Only, reset, connection loss, deadline or cancel.
    func finished(_ callEnd: CallEnd) {
        guard !isFinished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // Interceptors hear of the end before any waiting task can return from the call.
        observer?(callEnd)
        transportBox.withLock { $0 = nil }
        end.complete(callEnd)
        head.complete(callEnd.error.map { .failure($0) } ?? .success(ResponseHead(metadata: Metadata(), encoding: .identity)))
        responses.finish(callEnd.error)
    }

    // MARK: operations from tasks

    /// Encodes and frames one request (compressed when asked and an algorithm is set).
    func frame<M: ProtoMessage>(_ message: M, compressed: Bool?) throws(RPCError) -> [UInt8] {
        let compress = compressed ?? (compression != .identity)
        return try MessageFramer.frame(
            serializedWithHeadroom: message.serializedBytes(headroom: MessageFramer.prefixSize),
            compression: compress ? compression : .identity, maxSize: maxSendMessageSize)
    }

    func send<M: ProtoMessage>(_ message: M, compressed: Bool?, endStream: Bool) async throws(RPCError) {
        let framed = try frame(message, compressed: compressed)
        guard let transport else { throw endError() }
        try await send(framed: framed, on: transport, endStream: endStream)
    }

    func halfClose() { transport?.halfClose() }

    /// Ends the call with `status` at once (every waiter sees it) and resets its stream.
    func cancel(status: RPCError = RPCError(code: .cancelled, message: "cancelled by the client")) {
        transport?.cancel(status: status)
        finished(CallEnd(error: status, trailingMetadata: Metadata()))
    }

    /// The next response message, nil after a clean end; throws the call's status when it failed.
    func receive<M: ProtoMessage>() async throws(RPCError) -> M? {
        guard let raw = try await responses.next() else { return nil }
        gate.taken(raw.bytes.count)
        let encoding: CompressionAlgorithm
        switch head.value {
        case .success(let h): encoding = h.encoding
        default: encoding = .identity
        }
        do {
            return try decodeMessage(raw, encoding: encoding, limit: maxReceiveMessageSize) as M
        } catch {
            cancel(status: error)
            throw error
        }
    }

    /// Exactly one response, then a clean end (unary, client streaming).
    func receiveSingle<M: ProtoMessage>() async throws(RPCError) -> M {
        let first: M? = try await receive()
        let more: M? = try await receive()
        guard let first, more == nil else {
            let n = first == nil ? "none" : "more"
            throw RPCError(code: .internal, message: "cardinality violation: expected one response, got \(n)")
        }
        return first
    }

    /// Response metadata, once the headers arrived; throws the call's error for Trailers-Only failures.
    /// A cancelled wait cancels the call and throws CANCELLED.
    func initialMetadata() async throws(RPCError) -> Metadata {
        let result: Result<ResponseHead, RPCError>
        do {
            result = try await head.wait()
        } catch {
            cancel()
            throw RPCError(code: .cancelled, message: "cancelled while waiting for the response headers")
        }
        return try result.get().metadata
    }

    /// Trailing metadata, once the call ended. A cancelled wait cancels the call, which ends it at
    /// once (with no trailing metadata).
    func trailingMetadata() async -> Metadata {
        do {
            return try await end.wait().trailingMetadata
        } catch {
            cancel()
            return end.value?.trailingMetadata ?? Metadata()
        }
    }

    /// Sends one framed request; a send cancelled while flow control holds it cancels the call.
    private func send(framed: [UInt8], on transport: any ClientCallTransport, endStream: Bool) async throws(RPCError) {
        do {
            try await transport.sendMessage(framed, endStream: endStream)
        } catch {
            if error.code == .cancelled, Task.isCancelled { cancel(status: error) }
            throw error
        }
    }

    private func endError() -> RPCError {
        end.value?.error ?? RPCError(code: .unavailable, message: "call has no open stream")
    }
}

/// Owned by the user-facing call values: when the last one goes away, an unfinished call is cancelled.
final class ClientCallOwner: Sendable {
    let call: ClientCall
    init(_ call: ClientCall) { self.call = call }
    deinit {
        if call.end.value == nil { call.cancel() }
    }
}
