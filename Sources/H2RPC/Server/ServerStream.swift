import EventIO
import H2
import Logging

/// One server call on one HTTP/2 stream: checks the request head, routes it, feeds received
/// messages to the handler's inbox, sends headers/messages/trailers, enforces the deadline, and
/// cancels the handler when the client resets. All state lives on the connection's loop thread;
/// the handler task runs on the same loop through its `TaskExecutor`.
final class ServerStream: @unchecked Sendable, ServerCallOutbound {
    let loop: EventLoop
    let core: ServerCore
    // `@exclusivity(unchecked)`: this state is touched only on the loop thread, and the runtime's
    // dynamic exclusivity check of a class property (swift_beginAccess, about 190 instructions)
    // ran about 35 times per gRPC call on the server, 11 % of its instructions.
    /// The HTTP/2 stream; nil once it closed or was reset (nothing can be sent on it then).
    @exclusivity(unchecked) private(set) var io: (any RPCStreamIO)?
    @exclusivity(unchecked) private var deframer: MessageDeframer
    /// Received bytes not yet given back to flow control because the handler is behind.
    @exclusivity(unchecked) private var window = WithheldWindow()
    /// Where handlers wait while flow control holds the stream; made when one first has to.
    @exclusivity(unchecked) private var sendGate: SendGate?
    @exclusivity(unchecked) private var phase = Phase.awaitingHead
    /// Called once when the call is over (response ended and handler done), to let the connection forget it.
    @exclusivity(unchecked) var onComplete: (() -> Void)?
    /// The connection's addresses and TLS identity, handed to the call's context.
    var peer = ConnectionPeer()

    /// What an accepted call owns until its response ends, among them a slot in the server's
    /// count of RPCs in flight. Two references: the phase is copied and switched on at every event,
    /// so what never changes during the call (method, content type) lives in the `ServerCall`.
    private struct Open {
        let call: ServerCall
        let deadlineTimer: LoopTimer?
    }

    private enum Phase {
        /// Before the request head.
        case awaitingHead
        /// Accepted; the handler starts once the request side ends (unary and server streaming).
        case awaitingRequest(Open)
        /// The handler runs; no response headers sent yet. The task is nil only while the
        /// handler's first synchronous stretch runs (before `Task.immediate` returns it).
        case handling(Open, Task<Void, Never>?)
        /// The handler runs and the response headers went out.
        case responding(Open, Task<Void, Never>?)
        /// The response ended with `status`, or the stream went away; the handler still runs.
        case draining(Task<Void, Never>?, status: RPCError)
        /// Over: the response ended and no handler runs; late sends fail with `status`.
        case finished(status: RPCError)

        /// The accepted call while its response is open.
        var open: Open? {
            switch self {
            case .awaitingRequest(let o), .handling(let o, _), .responding(let o, _): o
            case .awaitingHead, .draining, .finished: nil
            }
        }

        /// The handler's task while it runs.
        var task: Task<Void, Never>? {
            switch self {
            case .handling(_, let t), .responding(_, let t), .draining(let t, _): t
            case .awaitingHead, .awaitingRequest, .finished: nil
            }
        }
    }

    init(loop: EventLoop, core: ServerCore, io: any RPCStreamIO) {
        self.loop = loop
        self.core = core
        self.io = io
        self.deframer = MessageDeframer(maxMessageSize: core.configuration.maxReceiveMessageSize)
    }

    // MARK: - Events from H2 (loop thread)

    /// The request header block arrived.
    func receivedHeaders(_ headers: [HeaderField], endStream: Bool) {
        guard case .awaitingHead = phase else { return }
        let head: RequestHead
        switch RequestHead.parse(headers) {
        case .failure(let rejection):
            refuse(
                rejection.status, httpStatus: rejection.httpStatus, contentType: "application/grpc",
                extra: rejection.extraHeaders)
            return
        case .success(let parsed):
            head = parsed
        }
        guard let method = core.methods[head.path] else {
            refuse(
                RequestHead.unimplemented(path: head.path, knownServices: core.serviceNames),
                contentType: head.contentType)
            return
        }
        var deadline: ContinuousClock.Instant?
        if let timeout = head.timeout {
            guard timeout > .zero else {
                refuse(
                    RPCError(code: .deadlineExceeded, message: "deadline exceeded before the call started"),
                    contentType: head.contentType)
                return
            }
            deadline = .now + timeout
        }
        guard core.acquireSlot() else {
            refuse(
                RPCError(code: .resourceExhausted, message: "server is at its limit of concurrent RPCs"),
                contentType: head.contentType)
            return
        }
        let call = ServerCall(
            path: head.path, requestMetadata: head.metadata, deadline: deadline, requestCompression: head.encoding,
            peer: peer, method: method, contentType: head.contentType, acceptEncoding: head.acceptEncoding,
            maxReceiveMessageSize: core.configuration.maxReceiveMessageSize,
            maxSendMessageSize: core.configuration.maxSendMessageSize, outbound: self, interceptors: core.interceptors)
        let timer = head.timeout.map { timeout in loop.schedule(after: timeout) { self.deadlinePassed() } }
        let open = Open(call: call, deadlineTimer: timer)
        if method.kind == .clientStreaming || method.kind == .bidiStreaming {
            startHandler(open)
        } else {
            phase = .awaitingRequest(open)
        }
        if endStream { receivedEnd() }
    }

    /// DATA bytes arrived (valid only during the call: they are copied into the deframer).
    func receivedData(_ bytes: UnsafeRawBufferPointer) {
        guard let call = phase.open?.call else {
            io?.consume(bytes.count)
            return
        }
        do {
            try deframer.receive(bytes) { message in
                call.gate.added(message.bytes.count)
                call.received(message)
            }
        } catch {
            io?.consume(bytes.count)
            fail(error.status)
            return
        }
        // Window goes back at once unless the handler is more than FlowGate.highWater behind.
        let giveBack = window.received(bytes.count, gate: call.gate) { { self.onLoop { self.releaseWithheld() } } }
        if giveBack > 0 { io?.consume(giveBack) }
    }

    private func releaseWithheld() {
        let withheld = window.release()
        if withheld > 0 { io?.consume(withheld) }
    }

    /// The client half-closed (END_STREAM).
    func receivedEnd() {
        guard let open = phase.open else { return }
        do {
            try deframer.finish()
        } catch {
            fail(error.status)
            return
        }
        open.call.endRequests(nil)
        if case .awaitingRequest = phase { startHandler(open) }
    }

    /// The client reset the stream (RST_STREAM), or the connection went away.
    func receivedReset(code: H2ErrorCode) {
        io = nil  // the stream is gone: nothing more may be sent on it
        endResponse(
            status: RPCError(
                code: .cancelled, message: "call cancelled by the client (HTTP/2 error code \(code.rawValue))"),
            sending: false)
        phase.task?.cancel()
    }

    /// The stream closed normally (both sides ended). A handler still running (it ignored a
    /// deadline or kept going after its status was sent) is cancelled: nothing it sends can go out.
    func streamClosed() {
        io = nil
        endResponse(status: RPCError(code: .cancelled, message: "stream closed"), sending: false)
        phase.task?.cancel()
    }

    /// The stream's outbound queue drained below the high-water mark: wake waiting senders.
    func outboundDrained() {
        guard let io, io.isWritable else { return }
        sendGate?.open()
    }

    // MARK: - Handler

    private func startHandler(_ open: Open) {
        phase = .handling(open, nil)
        let call = open.call
        let task: Task<Void, Never>
        if core.configuration.handlersOnEventLoop {
            task = Task.immediate(executorPreference: loop.taskExecutor) { await self.runHandler(call) }
        } else {
            task = Task { await self.runHandler(call) }
        }
        // An immediate task may have run (or ended) the call before returning its handle.
        switch phase {
        case .handling(let o, nil): phase = .handling(o, task)
        case .responding(let o, nil): phase = .responding(o, task)
        case .draining(nil, let status):
            phase = .draining(task, status: status)
            task.cancel()
        default: break
        }
    }

    /// The handler task's body: runs the method (through the interceptors), then reports its status on the loop.
    /// (Its async frame comes from the handler task's allocator, as do those of everything it
    /// awaits: what only some calls need, interceptors and the failure's translation, lives in
    /// functions of their own, so that a plain call's frames stay small.)
    private func runHandler(_ call: ServerCall) async {
        var failure: (any Error)?
        do {
            if core.interceptors.isEmpty {
                try await call.method.run(call)
            } else {
                try await runIntercepted(call)
            }
        } catch {
            failure = error
        }
        let status = failure.map { endStatus(of: $0, call: call) }
        if loop.inEventLoop {
            handlerFinished(status)
        } else {
            loop.execute { self.handlerFinished(status) }
        }
    }

    @inline(never)
    private func runIntercepted(_ call: ServerCall) async throws {
        let method = call.method
        try await core.intercept(context: call.context) { try await method.run(call) }
    }

    /// The status a handler's error ends its call with.
    private func endStatus(of error: any Error, call: ServerCall) -> RPCError {
        switch error {
        case let error as RPCError:
            return error
        case let error as any RPCErrorConvertible:
            return error.rpcError
        case is CancellationError:
            return RPCError(code: .cancelled, message: "handler cancelled")
        default:
            // The error's text stays on the server: it may hold internals the client must not see.
            core.logger.error("handler of \(call.context.path) failed: \(error)")
            return RPCError(code: .unknown, message: "handler failed")
        }
    }

    private func handlerFinished(_ status: RPCError?) {
        endResponse(status: status, sending: true)
        if case .draining(_, let status) = phase {
            phase = .finished(status: status)
            complete()
        }
    }

    private func deadlinePassed() {
        guard phase.open != nil else { return }
        endResponse(status: RPCError(code: .deadlineExceeded, message: "deadline exceeded"), sending: true)
        phase.task?.cancel()
    }

    /// Ends the call with a status from the library (bad message, size limit): trailers, then the
    /// handler is cancelled.
    private func fail(_ error: RPCError) {
        endResponse(status: error, sending: true)
        phase.task?.cancel()
    }

    // MARK: - Sending (ServerCallOutbound)

    func sendMessage(_ framed: [UInt8], encoding: CompressionAlgorithm) async throws(RPCError) {
        // On the loop (handlers run there by default) and not held by flow control: no suspension,
        // and the waiting paths' async frames never come from the task's allocator.
        guard loop.inEventLoop else { return try await sendFromElsewhere(framed, encoding: encoding) }
        switch sendOnLoop(framed, encoding: encoding) {
        case .sent: return
        case .full(let gate): try await Self.waitUntilOpen(gate)
        case .failed(let error): throw error
        }
    }

    func sendWithoutSuspending(_ framed: [UInt8], encoding: CompressionAlgorithm) -> SendOutcome? {
        loop.inEventLoop ? sendOnLoop(framed, encoding: encoding) : nil
    }

    @inline(never)
    private func sendFromElsewhere(_ framed: [UInt8], encoding: CompressionAlgorithm) async throws(RPCError) {
        switch await loop.submit({ self.sendOnLoop(framed, encoding: encoding) }) {
        case .sent: return
        case .full(let gate): try await Self.waitUntilOpen(gate)
        case .failed(let error): throw error
        }
    }

    @inline(never)
    private static func waitUntilOpen(_ gate: SendGate) async throws(RPCError) { try await gate.waitUntilOpen() }

    /// Sends one framed message (with the response headers first).
    private func sendOnLoop(_ framed: [UInt8], encoding: CompressionAlgorithm) -> SendOutcome {
        switch phase {
        case .handling(let open, let task):
            let metadata = open.call.context.responseMetadata
            if let invalid = metadata.validationError() {
                endResponse(status: invalid, sending: true)
                return .failed(invalid)
            }
            io?.sendHeaders(
                ResponseHeaders.head(contentType: open.call.contentType, encoding: encoding, metadata: metadata),
                endStream: false)
            phase = .responding(open, task)
        case .responding:
            break
        case .draining(_, let status), .finished(let status):
            return .failed(status)
        case .awaitingHead, .awaitingRequest:
            return .failed(RPCError(code: .internal, message: "no handler runs on this call"))
        }
        guard let io else { return .sent }
        io.sendData(framed, endStream: false)
        // Above the stream's high-water mark: wait until it reports that it drained.
        guard !io.isWritable else { return .sent }
        let gate = sendGate ?? SendGate(waiters: core.sendersWaiting)
        sendGate = gate
        gate.close()
        return .full(gate)
    }

    // MARK: - Ending

    /// Answers a request that is not served (bad head, unknown method, no slot, no time left)
    /// with one Trailers-Only block; the call is over at once.
    private func refuse(
        _ status: RPCError, httpStatus: Int = 200, contentType: String, extra: [HeaderField] = []
    ) {
        io?.sendHeaders(
            ResponseHeaders.trailersOnly(
                httpStatus: httpStatus, contentType: contentType, status: status.code, message: status.message,
                metadata: status.trailingMetadata, extra: extra),
            endStream: true)
        phase = .finished(status: status)
        complete()
    }

    /// Ends the response of an open call with `status` (nil: OK): with `sending`, the status goes
    /// out as trailers (Trailers-Only when nothing was sent). Releases what the open call held.
    private func endResponse(status: RPCError?, sending: Bool) {
        let open: Open
        let task: Task<Void, Never>?
        let headersSent: Bool
        let handlerRuns: Bool
        switch phase {
        case .awaitingRequest(let o): (open, task, headersSent, handlerRuns) = (o, nil, false, false)
        case .handling(let o, let t): (open, task, headersSent, handlerRuns) = (o, t, false, true)
        case .responding(let o, let t): (open, task, headersSent, handlerRuns) = (o, t, true, true)
        case .awaitingHead, .draining, .finished: return
        }
        let call = open.call
        if sending {
            var metadata = call.context.trailingMetadata
            if let status { for entry in status.trailingMetadata { metadata.add(entry.key, value: entry.value) } }
            var code = status?.code ?? .ok
            var message = status?.message ?? ""
            var details = status?.details ?? []
            if let invalid = metadata.validationError() {
                (code, message, details, metadata) = (invalid.code, invalid.message, [], Metadata())
            }
            if headersSent {
                io?.sendTrailers(
                    ResponseHeaders.trailers(status: code, message: message, metadata: metadata, details: details))
            } else {
                io?.sendHeaders(
                    ResponseHeaders.trailersOnly(
                        contentType: call.contentType, status: code, message: message, metadata: metadata,
                        details: details),
                    endStream: true)
            }
        }
        let final = status ?? RPCError(code: .cancelled, message: "call is over")
        call.context.markCancelled()
        call.endRequests(final)
        call.gate.clear()
        open.deadlineTimer?.cancel()
        core.releaseSlot()
        if handlerRuns {
            phase = .draining(task, status: final)
        } else {
            phase = .finished(status: final)
        }
        sendGate?.end(final)
        if !handlerRuns { complete() }
    }

    /// The call is over: tells the connection once.
    private func complete() {
        guard let done = onComplete else { return }
        onComplete = nil
        done()
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }
}
