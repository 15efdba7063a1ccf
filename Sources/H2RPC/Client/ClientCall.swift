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
///
/// What both sides reach (the stream to send on, the response head, the received messages, the
/// end) is one value behind one lock: a call costs this object and that lock's allocation, and
/// delivering a message or the end takes the lock once.
final class ClientCall: Sendable {
    let gate = FlowGate()
    let maxReceiveMessageSize: Int
    let maxSendMessageSize: Int
    let compression: CompressionAlgorithm
    private let shared = WaitableState(Shared())
    private let isFinished = Atomic<Bool>(false)
    private let observer: (@Sendable (CallEnd) -> Void)?

    private struct Shared {
        /// The stream to send on, from `attach` until the call ends.
        var transport: (any ClientCallTransport)?
        /// The response head (or, once the call ended without one, its error or an empty head).
        var head: Result<ResponseHead, RPCError>?
        var responses = MessageBuffer<ReceivedMessage>()
        /// How the call ended; set once, with `head` and the end of `responses`.
        var end: CallEnd?
        /// Senders suspended because flow control holds the stream (counted only on that slow path).
        var sendersWaiting = 0

        /// The algorithm response messages are compressed with.
        var encoding: CompressionAlgorithm {
            if case .success(let head)? = head { return head.encoding }
            return .identity
        }
    }

    init(
        maxReceiveMessageSize: Int, maxSendMessageSize: Int, compression: CompressionAlgorithm,
        observer: (@Sendable (CallEnd) -> Void)? = nil
    ) {
        self.observer = observer
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxSendMessageSize = maxSendMessageSize
        self.compression = compression
    }

    var transport: (any ClientCallTransport)? { shared.withLock { $0.transport } }

    func attach(_ transport: any ClientCallTransport) { shared.withLock { $0.transport = transport } }

    /// How the call ended, once it did.
    var end: CallEnd? { shared.withLock { $0.end } }

    /// A sender starts (`1`) or stops (`-1`) waiting for flow control to let its message out.
    func senderWaits(_ delta: Int) { shared.update { $0.sendersWaiting += delta } }

    /// Returns once a sender of this call is suspended because flow control holds its stream (the
    /// server reads slower than the call sends). Tests order their steps with it.
    /// - Throws: `CancellationError` when the task is cancelled first.
    func waitUntilASenderWaits() async throws(CancellationError) {
        try await shared.wait { $0.sendersWaiting > 0 ? () : nil }
    }

    /// Waits for the end of the call.
    /// - Throws: `CancellationError` when the task is cancelled first (the call goes on).
    func ended() async throws(CancellationError) -> CallEnd {
        try await shared.wait { $0.end }
    }

    // MARK: events from the transport (event loop)

    /// The response headers arrived (not Trailers-Only).
    func receivedHead(_ head: ResponseHead) {
        shared.update { s in
            if s.head == nil { s.head = .success(head) }
        }
    }

    /// A response message arrived.
    func receivedMessage(_ message: ReceivedMessage) { shared.update { $0.responses.push(message) } }

    /// The call ended here, before or without the server's trailers (a local error).
    func fail(_ error: RPCError) { finished(CallEnd(error: error, trailingMetadata: Metadata())) }

    /// The call ended: trailers, Trailers-Only, reset, connection loss, deadline or cancel.
    func finished(_ callEnd: CallEnd) {
        guard !isFinished.exchange(true, ordering: .acquiringAndReleasing) else { return }
        // Interceptors hear of the end before any waiting task can return from the call.
        observer?(callEnd)
        shared.update { s in
            s.transport = nil
            s.end = callEnd
            if s.head == nil {
                s.head =
                    callEnd.error.map { .failure($0) }
                    ?? .success(ResponseHead(metadata: Metadata(), encoding: .identity))
            }
            s.responses.finish(callEnd.error)
        }
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

    /// Sends one request framed earlier (a retried call sending its kept messages again).
    func send(framed: [UInt8], endStream: Bool) async throws(RPCError) {
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
    /// A cancelled wait cancels the call and throws CANCELLED.
    func receive<M: ProtoMessage>() async throws(RPCError) -> M? {
        let taken: (MessageBuffer<ReceivedMessage>.Take, CompressionAlgorithm)
        do {
            taken = try await shared.wait { s in s.responses.take().map { ($0, s.encoding) } }
        } catch {
            cancel()
            throw RPCError(code: .cancelled, message: "cancelled while waiting for a message")
        }
        switch taken.0 {
        case .end(nil): return nil
        case .end(let error?): throw error
        case .element(let raw): return try decode(raw, encoding: taken.1)
        }
    }

    /// Exactly one response, then a clean end (unary, client streaming). Waits once, for the end
    /// of the call, and takes the response with it. A cancelled wait cancels the call and throws CANCELLED.
    func receiveSingle<M: ProtoMessage>() async throws(RPCError) -> M {
        let taken: (first: ReceivedMessage?, more: Bool, encoding: CompressionAlgorithm, error: RPCError?)
        do {
            taken = try await shared.wait { s in
                guard let end = s.end else { return nil }
                var first: ReceivedMessage?
                var more = false
                while case .element(let m)? = s.responses.take() {
                    if first == nil { first = m } else { more = true }
                }
                return (first, more, s.encoding, end.error)
            }
        } catch {
            cancel()
            throw RPCError(code: .cancelled, message: "cancelled while waiting for the response")
        }
        guard let raw = taken.first else {
            throw taken.error
                ?? RPCError(code: .internal, message: "cardinality violation: expected one response, got none")
        }
        let message: M = try decode(raw, encoding: taken.encoding)
        if taken.more {
            throw RPCError(code: .internal, message: "cardinality violation: expected one response, got more")
        }
        if let error = taken.error { throw error }
        return message
    }

    /// The response head if it arrived: the headers, or the error that ended the call without them.
    var head: Result<ResponseHead, RPCError>? { shared.withLock { $0.head } }

    /// Waits for the response head (the headers, or the error that ended the call without them).
    /// A cancelled wait throws without cancelling the call.
    func waitForHead() async throws(CancellationError) -> Result<ResponseHead, RPCError> {
        try await shared.wait { $0.head }
    }

    /// Response metadata, once the headers arrived; throws the call's error for Trailers-Only failures.
    /// A cancelled wait cancels the call and throws CANCELLED.
    func initialMetadata() async throws(RPCError) -> Metadata {
        let result: Result<ResponseHead, RPCError>
        do {
            result = try await shared.wait { $0.head }
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
            return try await ended().trailingMetadata
        } catch {
            cancel()
            return end?.trailingMetadata ?? Metadata()
        }
    }

    /// Decodes one taken response; a message that does not decode ends the call with its error.
    private func decode<M: ProtoMessage>(_ raw: ReceivedMessage, encoding: CompressionAlgorithm) throws(RPCError) -> M {
        gate.taken(raw.bytes.count)
        do {
            return try decodeMessage(raw, encoding: encoding, limit: maxReceiveMessageSize) as M
        } catch {
            cancel(status: error)
            throw error
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
        end?.error ?? RPCError(code: .unavailable, message: "call has no open stream")
    }
}

/// Owned by the user-facing call values: when the last one goes away, an unfinished call is cancelled.
final class ClientCallOwner: Sendable {
    /// The call requests are sent on.
    let call: ClientCall
    /// For a streaming call under a retry or hedging policy: its attempts (`call` sends through them).
    let retried: (any CommittingCallTransport)?

    init(_ call: ClientCall, retried: (any CommittingCallTransport)? = nil) {
        self.call = call
        self.retried = retried
    }

    /// The call responses and metadata come from: `call`, or for a retried call the attempt it
    /// committed to (waiting until it commits; a cancelled wait cancels the call).
    func responseCall() async throws(RPCError) -> ClientCall {
        guard let retried else { return call }
        return try await retried.committedCall()
    }

    deinit {
        if call.end == nil { call.cancel() }
    }
}
