import EventIO
import Logging

/// One server call on one HTTP/2 stream: checks the request head, routes it, feeds received
/// messages to the handler's inbox, sends headers/messages/trailers, enforces the deadline, and
/// cancels the handler when the client resets. All state lives on the connection's loop thread;
/// the handler task runs on the same loop through its `TaskExecutor`.
final class ServerStream: @unchecked Sendable, ServerCallOutbound {
    /// Outbound bytes queued on the stream above which `sendMessage` waits for the peer to read.
    static let sendHighWater = 1 << 20

    let loop: EventLoop
    let core: ServerCore
    private(set) var io: (any RPCStreamIO)?

    private var head: RequestHead?
    private var method: RPCMethod?
    /// The call's state shared with the handler; nil before the head is accepted and after the call.
    private var call: ServerContext?
    private var deframer: MessageDeframer
    private var task: Task<Void, Never>?
    private var deadlineTimer: LoopTimer?
    private var holdsSlot = false
    private var handlerStarted = false
    private var headersSent = false
    private var requestEnded = false
    /// Set when the response side is closed; the status the call ended with.
    private(set) var endStatus: RPCError?
    private(set) var isClosed = false
    private var writeWaiters: [UnsafeContinuation<RPCError?, Never>] = []
    /// Received bytes not yet given back to flow control because the handler is behind.
    private var window = WithheldWindow()
    /// Called once when the call is over (closed and handler done), to let the connection forget it.
    var onComplete: (() -> Void)?

    init(loop: EventLoop, core: ServerCore, io: any RPCStreamIO) {
        self.loop = loop
        self.core = core
        self.io = io
        self.deframer = MessageDeframer(maxMessageSize: core.configuration.maxReceiveMessageSize)
    }

    // MARK: - Events from H2 (loop thread)

    /// The request header block arrived.
    func receivedHeaders(_ headers: [HeaderField], endStream: Bool) {
        let parsed: RequestHead
        switch RequestHead.parse(headers) {
        case .failure(let rejection):
            reject(rejection)
            return
        case .success(let h):
            parsed = h
        }
        head = parsed
        guard let method = core.methods[parsed.path] else {
            close(with: RequestHead.unimplemented(path: parsed.path, knownServices: core.serviceNames))
            return
        }
        guard core.acquireSlot() else {
            close(with: RPCError(code: .resourceExhausted, message: "server is at its limit of concurrent RPCs"))
            return
        }
        holdsSlot = true
        var deadline: ContinuousClock.Instant?
        if let timeout = parsed.timeout {
            guard timeout > .zero else {
                close(with: RPCError(code: .deadlineExceeded, message: "deadline exceeded before the call started"))
                return
            }
            deadline = .now + timeout
            deadlineTimer = loop.schedule(after: timeout) { self.deadlinePassed() }
        }
        self.method = method
        self.call = ServerContext(
            path: parsed.path, requestMetadata: parsed.metadata, deadline: deadline, requestCompression: parsed.encoding,
            acceptEncoding: parsed.acceptEncoding, maxReceiveMessageSize: core.configuration.maxReceiveMessageSize,
            maxSendMessageSize: core.configuration.maxSendMessageSize, outbound: self)
        if method.kind == .clientStreaming || method.kind == .bidiStreaming { startHandler() }
        if endStream { receivedEnd() }
    }

    /// DATA bytes arrived (valid only during the call: they are copied into the deframer).
    func receivedData(_ bytes: UnsafeRawBufferPointer) {
        guard !isClosed, let call else {
            io?.consume(bytes.count)
            return
        }
        do {
            try deframer.receive(bytes) { message in
                call.gate.added(message.bytes.count)
                call.inbox.push(message)
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
        requestEnded = true
        guard !isClosed, let call else { return }
        do {
            try deframer.finish()
        } catch {
            fail(error.status)
            return
        }
        call.inbox.finish()
        if !handlerStarted { startHandler() }
    }

    /// The client reset the stream (RST_STREAM), or the connection went away.
    func receivedReset(code: UInt32) {
        let error = RPCError(code: .cancelled, message: "call cancelled by the client (HTTP/2 error code \(code))")
        io = nil  // the stream is gone: nothing more may be sent on it
        closeState(with: error)
        task?.cancel()
        completeIfDone()
    }

    /// The stream closed normally (both sides ended). A handler still running (it ignored a
    /// deadline or kept going after its status was sent) is cancelled: nothing it sends can go out.
    func streamClosed() {
        io = nil
        if !isClosed { closeState(with: RPCError(code: .cancelled, message: "stream closed")) }
        task?.cancel()
        completeIfDone()
    }

    /// The stream's outbound queue drained below the high-water mark: wake waiting senders.
    func outboundDrained() {
        guard let io, io.bufferedOutboundBytes < Self.sendHighWater else { return }
        resumeWriters(with: nil)
    }

    // MARK: - Handler

    private func startHandler() {
        guard !handlerStarted, let method, let call else { return }
        handlerStarted = true
        // The task captures only `self` (a closure with one object reference allocates no context);
        // the handler's method and call are handed over here, before the task starts.
        handlerMethod = method
        handlerCall = call
        if core.configuration.handlersOnEventLoop {
            task = Task.immediate(executorPreference: loop.taskExecutor) { await self.runHandler() }
        } else {
            task = Task { await self.runHandler() }
        }
    }

    /// Set once by `startHandler` before the handler task starts, read only by that task.
    private var handlerMethod: RPCMethod?
    private var handlerCall: ServerContext?

    /// The handler task's body: runs the method (through the interceptors), then reports its status on the loop.
    private func runHandler() async {
        guard let method = handlerMethod, let call = handlerCall else { return }
        let core = self.core
        var status: RPCError?
        do {
            if core.interceptors.isEmpty {
                try await method.run(call)
            } else {
                try await core.intercept(context: call) { try await method.run(call) }
            }
        } catch let error as RPCError {
            status = error
        } catch let error as any RPCErrorConvertible {
            status = error.rpcError
        } catch is CancellationError {
            status = RPCError(code: .cancelled, message: "handler cancelled")
        } catch {
            // The error's text stays on the server: it may hold internals the client must not see.
            core.logger.error("handler of \(call.path) failed: \(error)")
            status = RPCError(code: .unknown, message: "handler failed")
        }
        if loop.inEventLoop {
            handlerFinished(status)
        } else {
            let final = status
            loop.execute { self.handlerFinished(final) }
        }
    }

    private func handlerFinished(_ status: RPCError?) {
        task = nil
        if !isClosed { close(with: status) }
        completeIfDone()
    }

    private func deadlinePassed() {
        deadlineTimer = nil
        guard !isClosed else { return }
        close(with: RPCError(code: .deadlineExceeded, message: "deadline exceeded"))
        task?.cancel()
    }

    /// Ends the call with a status from the library (bad message, size limit): trailers, then the
    /// handler is cancelled.
    private func fail(_ error: RPCError) {
        close(with: error)
        task?.cancel()
    }

    // MARK: - Sending (ServerCallOutbound)

    func sendMessage(_ framed: [UInt8], encoding: CompressionAlgorithm) async throws(RPCError) {
        let error: RPCError?
        if loop.inEventLoop {
            if let e = sendOnLoop(framed, encoding: encoding) { throw e }
            guard let io, io.bufferedOutboundBytes >= Self.sendHighWater else { return }
            error = await withUnsafeContinuation { writeWaiters.append($0) }
        } else {
            error = await withUnsafeContinuation { c in
                loop.execute { [self] in
                    if let e = sendOnLoop(framed, encoding: encoding) {
                        c.resume(returning: e)
                    } else if let io, io.bufferedOutboundBytes >= Self.sendHighWater {
                        writeWaiters.append(c)
                    } else {
                        c.resume(returning: nil)
                    }
                }
            }
        }
        if let error { throw error }
    }

    /// Sends one framed message (with the response headers first); the call's end status when closed.
    private func sendOnLoop(_ framed: [UInt8], encoding: CompressionAlgorithm) -> RPCError? {
        guard !isClosed, let io, let head, let context = call else {
            return endStatus ?? RPCError(code: .cancelled, message: "call is over")
        }
        if !headersSent {
            let metadata = context.responseMetadata
            if let invalid = metadata.validationError() {
                fail(invalid)
                return invalid
            }
            headersSent = true
            io.sendHeaders(
                ResponseHeaders.head(contentType: head.contentType, encoding: encoding, metadata: metadata), endStream: false)
        }
        io.sendData(framed, endStream: false)
        return nil
    }

    // MARK: - Ending

    private func reject(_ rejection: RequestRejection) {
        isClosed = true
        endStatus = rejection.status
        io?.sendHeaders(
            ResponseHeaders.trailersOnly(
                httpStatus: rejection.httpStatus, contentType: "application/grpc", status: rejection.status.code,
                message: rejection.status.message, metadata: Metadata(), extra: rejection.extraHeaders),
            endStream: true)
        completeIfDone()
    }

    /// Sends the status (trailers, or Trailers-Only when nothing was sent) and closes the response side.
    private func close(with error: RPCError?) {
        guard !isClosed else { return }
        var metadata = call?.trailingMetadata ?? Metadata()
        if let error { for entry in error.trailingMetadata { metadata.add(entry.key, value: entry.value) } }
        var code = error?.code ?? .ok
        var message = error?.message ?? ""
        var details = error?.details ?? []
        if let invalid = metadata.validationError() {
            (code, message, details, metadata) = (invalid.code, invalid.message, [], Metadata())
        }
        if headersSent {
            io?.sendTrailers(ResponseHeaders.trailers(status: code, message: message, metadata: metadata, details: details))
        } else {
            io?.sendHeaders(
                ResponseHeaders.trailersOnly(
                    contentType: head?.contentType ?? "application/grpc", status: code, message: message, metadata: metadata,
                    details: details),
                endStream: true)
        }
        closeState(with: error ?? RPCError(code: .cancelled, message: "call is over"))
        if !handlerStarted { completeIfDone() }
    }

    private func closeState(with error: RPCError) {
        if !isClosed {
            isClosed = true
            endStatus = error
        }
        call?.markCancelled()
        call?.inbox.finish(error)
        deadlineTimer?.cancel()
        deadlineTimer = nil
        call?.gate.clear()
        if holdsSlot {
            holdsSlot = false
            core.releaseSlot()
        }
        resumeWriters(with: endStatus)
    }

    private func resumeWriters(with error: RPCError?) {
        guard !writeWaiters.isEmpty else { return }
        let waiters = writeWaiters
        writeWaiters = []
        for w in waiters { w.resume(returning: error) }
    }

    /// Once the response is closed and the handler has returned: drops the call, which refers back
    /// to this stream as its outbound (a cycle that would otherwise keep both alive).
    private func completeIfDone() {
        guard isClosed, task == nil else { return }
        call = nil
        method = nil
        handlerCall = nil
        handlerMethod = nil
        guard let done = onComplete else { return }
        onComplete = nil
        done()
    }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }
}
