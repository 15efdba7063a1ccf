import EventIO
import H2

/// One client call on one HTTP/2 stream, on the connection's loop thread: reads the response
/// head, deframes messages into the call's inbox, turns trailers (or a reset, or the connection's
/// end) into the call's status, enforces the deadline, and sends what the call's task asks for.
final class ClientStream: @unchecked Sendable, ClientCallTransport {
    static let sendHighWater = 1 << 20

    let loop: EventLoop
    let call: ClientCall
    private(set) var io: (any RPCStreamIO)?
    private var deframer: MessageDeframer
    private var headBlock: [HeaderField]?
    private var headError: RPCError?
    private var deadlineTimer: LoopTimer?
    private var deadlineError: RPCError?
    private var finished = false
    private var writeWaiters: [UnsafeContinuation<RPCError?, Never>] = []
    /// Received bytes not yet given back to flow control because the reader is behind.
    private var window = WithheldWindow()

    init(loop: EventLoop, call: ClientCall) {
        self.loop = loop
        self.call = call
        self.deframer = MessageDeframer(maxMessageSize: call.maxReceiveMessageSize)
    }

    /// Binds the opened stream; starts the deadline timer. Loop thread.
    func attach(io: any RPCStreamIO, timeout: Duration?) {
        self.io = io
        call.attach(self)
        if let timeout {
            deadlineTimer = loop.schedule(after: timeout) { self.deadlinePassed() }
        }
    }

    // MARK: - Events from H2 (loop thread)

    func receivedHead(_ headers: [HeaderField]) {
        guard headBlock == nil else { return }
        headBlock = headers
        // A block with grpc-status is Trailers-Only: its END_STREAM follows; the head then carries no messages.
        if headers.contains(where: { $0.name == "grpc-status" }) { return }
        switch ResponseStatus.parseHead(headers) {
        case .success(let head): call.receivedHead(head)
        case .failure(let error): headError = error
        }
    }

    func receivedData(_ bytes: UnsafeRawBufferPointer) {
        guard !finished, headError == nil else {
            io?.consume(bytes.count)
            // Not a gRPC response: its body is not ours to parse.
            if let headError { abort(headError) }
            return
        }
        do {
            try deframer.receive(bytes) { m in
                call.gate.added(m.bytes.count)
                call.receivedMessage(m)
            }
        } catch {
            io?.consume(bytes.count)
            abort(error.status)
            return
        }
        let giveBack = window.received(bytes.count, gate: call.gate) { { self.onLoop { self.releaseWithheld() } } }
        if giveBack > 0 { io?.consume(giveBack) }
    }

    private func releaseWithheld() {
        let withheld = window.release()
        if withheld > 0 { io?.consume(withheld) }
    }

    func receivedEnd(trailers: [HeaderField]?) {
        guard !finished else { return }
        var end: CallEnd
        if let trailers {
            end = ResponseStatus.parse(trailers)
        } else if let head = headBlock {
            // No trailers: a Trailers-Only head, or a non-gRPC response that ended after its head.
            end = ResponseStatus.parse(head)
            if !head.contains(where: { $0.name == "grpc-status" }), let headError { end.error = headError }
        } else {
            end = CallEnd(error: RPCError(code: .internal, message: "stream ended without a response"), trailingMetadata: Metadata())
        }
        if end.error == nil {
            do { try deframer.finish() } catch {
                end = CallEnd(error: error.status, trailingMetadata: end.trailingMetadata)
            }
        }
        finish(end)
    }

    /// The stream closed; `error` says why when it did not end normally.
    func closed(resetCode: UInt32?, reason: String?) {
        io = nil
        guard !finished else { return }
        if let deadlineError {
            finish(CallEnd(error: deadlineError, trailingMetadata: Metadata()))
            return
        }
        let error: RPCError
        if let resetCode {
            error = RPCError(code: .forResetCode(resetCode), message: "stream reset by the server (HTTP/2 error code \(resetCode))")
        } else {
            error = RPCError(code: .unavailable, message: reason ?? "stream closed before the call ended")
        }
        finish(CallEnd(error: error, trailingMetadata: Metadata()))
    }

    func outboundDrained() {
        guard let io, io.bufferedOutboundBytes < Self.sendHighWater else { return }
        resumeWriters(nil)
    }

    // MARK: - ClientCallTransport (any thread)

    func sendMessage(_ framed: [UInt8], endStream: Bool) async throws(RPCError) {
        if loop.inEventLoop {
            // The caller runs on this loop: send directly, suspend only while flow control holds the stream.
            switch sendOnLoop(framed, endStream: endStream) {
            case .failed(let error): throw error
            case .sent: return
            case .full:
                let error: RPCError? = await withUnsafeContinuation { writeWaiters.append($0) }
                if let error { throw error }
            }
            return
        }
        let error: RPCError? = await withUnsafeContinuation { c in
            loop.execute { [self] in
                switch sendOnLoop(framed, endStream: endStream) {
                case .failed(let error): c.resume(returning: error)
                case .sent: c.resume(returning: nil)
                case .full: writeWaiters.append(c)
                }
            }
        }
        if let error { throw error }
    }

    private enum SendOutcome {
        case sent
        case full
        case failed(RPCError)
    }

    private func sendOnLoop(_ framed: [UInt8], endStream: Bool) -> SendOutcome {
        guard !finished, let io else {
            return .failed(call.end.current?.error ?? RPCError(code: .cancelled, message: "call is over"))
        }
        io.sendData(framed, endStream: endStream)
        return io.bufferedOutboundBytes >= Self.sendHighWater ? .full : .sent
    }

    func halfClose() {
        onLoop { [self] in
            guard !finished, let io else { return }
            io.sendData([], endStream: true)
        }
    }

    func cancel(status: RPCError) {
        onLoop { [self] in abort(status) }
    }

    // MARK: - Ending

    private func deadlinePassed() {
        deadlineTimer = nil
        guard !finished else { return }
        deadlineError = RPCError(code: .deadlineExceeded, message: "deadline exceeded")
        abort(deadlineError!)
    }

    /// Ends the call locally with `error` and resets the stream with CANCEL.
    private func abort(_ error: RPCError) {
        guard !finished else { return }
        io?.reset(code: H2ErrorCode.cancel.rawValue)
        io = nil
        finish(CallEnd(error: error, trailingMetadata: Metadata()))
    }

    private func finish(_ end: CallEnd) {
        guard !finished else { return }
        finished = true
        deadlineTimer?.cancel()
        deadlineTimer = nil
        call.gate.clear()
        var end = end
        // A server that gave up on our deadline may answer CANCELLED; report the deadline (spec §9).
        if let deadlineError, end.error != nil { end.error = deadlineError }
        call.finished(end)
        resumeWriters(end.error ?? RPCError(code: .cancelled, message: "call is over"))
    }

    private func resumeWriters(_ error: RPCError?) {
        guard !writeWaiters.isEmpty else { return }
        let waiters = writeWaiters
        writeWaiters = []
        for w in waiters { w.resume(returning: error) }
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }
}
