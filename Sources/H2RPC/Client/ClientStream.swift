import EventIO
import H2

/// One client call on one HTTP/2 stream, on the connection's loop thread: reads the response
/// head, deframes messages into the call's inbox, turns trailers (or a reset, or the connection's
/// end) into the call's status, enforces the deadline, and sends what the call's task asks for.
final class ClientStream: @unchecked Sendable, ClientCallTransport {
    let loop: EventLoop
    let call: ClientCall
    // `@exclusivity(unchecked)`: this state is touched only on the loop thread, and the runtime's
    // dynamic exclusivity check of a class property (swift_beginAccess, about 190 instructions)
    // ran about 35 times per gRPC call on the server, 11 % of its instructions.
    @exclusivity(unchecked) private var deframer: MessageDeframer
    /// Where senders wait while flow control holds the stream; made when one first has to.
    @exclusivity(unchecked) private var sendGate: SendGate?
    /// Received bytes not yet given back to flow control because the reader is behind.
    @exclusivity(unchecked) private var window = WithheldWindow()
    @exclusivity(unchecked) private var phase = Phase.opening

    /// What the call owns while its stream is open.
    private struct Open {
        let io: any RPCStreamIO
        let deadlineTimer: LoopTimer?
    }

    private enum Phase {
        /// Created; the stream is being opened (`attach` follows in the same loop turn).
        case opening
        /// The stream is open; no response head yet.
        case awaitingHead(Open)
        /// A gRPC response head arrived: messages, then trailers, follow.
        case receiving(Open, head: [HeaderField])
        /// The head was Trailers-Only (it carries `grpc-status`): END_STREAM follows.
        case trailersOnly(Open, head: [HeaderField])
        /// The head is not a gRPC response: the call fails with `error` at its first DATA or its end.
        case notGRPC(Open, head: [HeaderField], error: RPCError)
        /// The call ended (the stream may still close later): nothing more is sent or delivered.
        case finished

        var open: Open? {
            switch self {
            case .awaitingHead(let o), .receiving(let o, _), .trailersOnly(let o, _), .notGRPC(let o, _, _): o
            case .opening, .finished: nil
            }
        }
    }

    init(loop: EventLoop, call: ClientCall) {
        self.loop = loop
        self.call = call
        self.deframer = MessageDeframer(maxMessageSize: call.maxReceiveMessageSize)
    }

    /// Binds the opened stream; starts the deadline timer. Loop thread.
    func attach(io: any RPCStreamIO, timeout: Duration?) {
        guard case .opening = phase else { return }
        let timer = timeout.map { timeout in loop.schedule(after: timeout) { self.deadlinePassed() } }
        phase = .awaitingHead(Open(io: io, deadlineTimer: timer))
        call.attach(self)
    }

    // MARK: - Events from H2 (loop thread)

    func receivedHead(_ headers: [HeaderField]) {
        guard case .awaitingHead(let open) = phase else { return }
        // A block with grpc-status is Trailers-Only: its END_STREAM follows; the head then carries no messages.
        if headers.contains(where: { $0.name == "grpc-status" }) {
            phase = .trailersOnly(open, head: headers)
            return
        }
        switch ResponseStatus.parseHead(headers) {
        case .success(let head):
            phase = .receiving(open, head: headers)
            call.receivedHead(head)
        case .failure(let error):
            phase = .notGRPC(open, head: headers, error: error)
        }
    }

    func receivedData(_ bytes: UnsafeRawBufferPointer) {
        guard let open = phase.open else { return }
        if case .notGRPC(_, _, let error) = phase {
            // Not a gRPC response: its body is not ours to parse.
            open.io.consume(bytes.count)
            abort(error)
            return
        }
        do {
            try deframer.receive(bytes) { m in
                call.gate.added(m.bytes.count)
                call.receivedMessage(m)
            }
        } catch {
            open.io.consume(bytes.count)
            abort(error.status)
            return
        }
        let giveBack = window.received(bytes.count, gate: call.gate) { { self.onLoop { self.releaseWithheld() } } }
        if giveBack > 0 { open.io.consume(giveBack) }
    }

    private func releaseWithheld() {
        let withheld = window.release()
        if withheld > 0 { phase.open?.io.consume(withheld) }
    }

    func receivedEnd(trailers: [HeaderField]?) {
        var end: CallEnd
        switch (phase, trailers) {
        case (.opening, _), (.finished, _):
            return
        case (_, let trailers?):
            end = ResponseStatus.parse(trailers)
        case (.receiving(_, let head), nil), (.trailersOnly(_, let head), nil):
            end = ResponseStatus.parse(head)
        case (.notGRPC(_, _, let error), nil):
            // A non-gRPC response that ended after its head.
            end = CallEnd(error: error, trailingMetadata: Metadata())
        case (.awaitingHead, nil):
            end = CallEnd(
                error: RPCError(code: .internal, message: "stream ended without a response"),
                trailingMetadata: Metadata())
        }
        if end.error == nil {
            do { try deframer.finish() } catch {
                end = CallEnd(error: error.status, trailingMetadata: end.trailingMetadata)
            }
        }
        finish(end)
    }

    /// The stream closed: normally (`resetCode` and `reason` nil), reset by the server, or lost
    /// with the connection (`reason`).
    func closed(resetCode: H2ErrorCode?, reason: String?) {
        guard phase.open != nil else { return }
        let error: RPCError
        if let resetCode {
            error = RPCError.streamReset(resetCode.rawValue)
        } else {
            error = RPCError(code: .unavailable, message: reason ?? "stream closed before the call ended")
        }
        finish(CallEnd(error: error, trailingMetadata: Metadata()))
    }

    func outboundDrained() {
        guard let io = phase.open?.io, io.isWritable else { return }
        sendGate?.open()
    }

    // MARK: - ClientCallTransport (any thread)

    func sendMessage(_ framed: [UInt8], endStream: Bool) async throws(RPCError) {
        let outcome: SendOutcome
        if loop.inEventLoop {
            // The caller runs on this loop: send directly, suspend only while flow control holds the stream.
            outcome = sendOnLoop(framed, endStream: endStream)
        } else {
            outcome = await loop.submit { self.sendOnLoop(framed, endStream: endStream) }
        }
        switch outcome {
        case .sent: return
        case .full(let gate):
            call.senderWaits(1)
            defer { call.senderWaits(-1) }
            try await gate.waitUntilOpen()
        case .failed(let error): throw error
        }
    }

    private func sendOnLoop(_ framed: [UInt8], endStream: Bool) -> SendOutcome {
        guard let io = phase.open?.io else {
            return .failed(call.end?.error ?? RPCError(code: .cancelled, message: "call is over"))
        }
        io.sendData(framed, endStream: endStream)
        // Above the stream's high-water mark: wait until it reports that it drained.
        guard !io.isWritable else { return .sent }
        let gate = sendGate ?? SendGate()
        sendGate = gate
        gate.close()
        return .full(gate)
    }

    func halfClose() {
        onLoop { [self] in phase.open?.io.sendData([], endStream: true) }
    }

    func cancel(status: RPCError) {
        onLoop { [self] in abort(status) }
    }

    // MARK: - Ending

    private func deadlinePassed() {
        abort(RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
    }

    /// Ends the call locally with `error` and resets the stream with CANCEL.
    private func abort(_ error: RPCError) {
        guard let open = phase.open else { return }
        open.io.reset(.cancel)
        finish(CallEnd(error: error, trailingMetadata: Metadata()))
    }

    private func finish(_ end: CallEnd) {
        guard let open = phase.open else { return }
        phase = .finished
        open.deadlineTimer?.cancel()
        call.gate.clear()
        call.finished(end)
        sendGate?.end(end.error ?? RPCError(code: .cancelled, message: "call is over"))
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }
}
