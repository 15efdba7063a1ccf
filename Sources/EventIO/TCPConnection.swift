import CEventIO
import Glibc

/// A non-blocking TCP connection owned by one event loop.
///
/// Created by `TCPListener` (accepted) or `TCPConnection.connect` and started with
/// `start(delegate:)`. Reads arrive through the delegate, straight from the loop's shared
/// buffer. Writes are queued and leave in one `sendmsg` (gathered iovecs) at the end of the
/// loop turn. Methods are loop thread only unless documented otherwise.
public final class TCPConnection: @unchecked Sendable {
    /// closing: output still leaving; draining: output sent and our side shut (FIN sent), input
    /// read and dropped until the peer closes or `drainTimeout` passes.
    private enum State { case idle, open, closing, draining, closed }

    /// The loop that owns this connection.
    public let loop: EventLoop
    let fd: Int32
    /// The peer's address.
    public let remoteAddress: SocketAddress?
    /// The local address.
    public let localAddress: SocketAddress?

    // `@exclusivity(unchecked)`: this state is touched only on the loop thread, and the runtime's
    // dynamic exclusivity check of a class property (swift_beginAccess, about 190 instructions)
    // ran about 35 times per gRPC call on the server, 11 % of its instructions.
    @exclusivity(unchecked) private var state = State.idle
    @exclusivity(unchecked) private var delegate: (any ByteStreamDelegate)?
    @exclusivity(unchecked) private var output = OutboundQueue()
    @exclusivity(unchecked) private var flushScheduled = false
    @exclusivity(unchecked) private var pollingWritable = false
    @exclusivity(unchecked) private var readingPaused = false

    /// False while queued output is above `highWaterMark`; true again below `lowWaterMark`.
    @exclusivity(unchecked) public private(set) var isWritable = true
    /// Queued bytes above which `isWritable` turns false.
    @exclusivity(unchecked) public var highWaterMark = 1024 * 1024
    /// Queued bytes below which `isWritable` turns true again.
    @exclusivity(unchecked) public var lowWaterMark = 256 * 1024
    /// Most bytes read (and handed to the delegate) per readiness event, that is per loop turn: a
    /// peer that floods input gets this much of its loop's time, then the loop serves its other
    /// connections; the rest is read on the next turn (the loop's epoll is level-triggered, so the
    /// socket is reported ready again and nothing is lost).
    @exclusivity(unchecked) public var maxReadPerTurn = 256 * 1024

    init(fd: Int32, loop: EventLoop) {
        self.fd = fd
        self.loop = loop
        self.remoteAddress = SocketAddress.of(fd, peer: true)
        self.localAddress = SocketAddress.of(fd, peer: false)
    }

    deinit {
        // Never started: nobody else owns the descriptor.
        if state == .idle { Syscall.close(fd) }
    }

    /// Registers with the loop and starts delivering events to `delegate`, which the connection
    /// keeps until it closes. Loop thread only; call once.
    public func start(delegate: any TCPConnectionDelegate) {
        start(delegate: TCPDelegateAdapter(delegate, connection: self))
    }

    /// Registers with the loop and starts delivering events to `delegate` (a protocol layer that
    /// takes any `ByteStream`), which the connection keeps until it closes. Loop thread only; call once.
    public func start(delegate: any ByteStreamDelegate) {
        loop.preconditionInEventLoop()
        precondition(state == .idle, "TCPConnection.start called twice")
        self.delegate = delegate
        state = .open
        do {
            try loop.register(fd, self, events: currentEvents())
        } catch {
            closeNow(error: error)
        }
    }

    /// True until the connection is closed.
    public var isOpen: Bool { state == .open || state == .closing || state == .draining }
    /// Writes are queued while open and while queued output is still leaving before a close.
    private var acceptsOutput: Bool { state == .open || state == .closing }

    /// How long `closeAfterFlush()` keeps reading (and dropping) input after shutting down its side,
    /// waiting for the peer to close, before it closes anyway.
    public var drainTimeout: Duration = .seconds(1)
    private var drainTimer: LoopTimer?

    /// `sendmsg` calls made so far: with batching, one per loop turn that had output. Loop thread only.
    @exclusivity(unchecked) public private(set) var writeSyscalls = 0

    /// Bytes queued and not yet accepted by the kernel.
    public var pendingWriteBytes: Int { output.pendingBytes }

    // MARK: - Writing

    /// Queues a copy of `bytes`; they leave with everything else queued in this loop turn.
    public func write(_ bytes: Span<UInt8>) {
        loop.preconditionInEventLoop()
        guard acceptsOutput else { return }
        bytes.withUnsafeBytes { output.appendCopy($0, pool: loop.stagingPool) }
        didQueue()
    }

    /// Queues `bytes` without copying them.
    public func write(_ bytes: [UInt8]) {
        loop.preconditionInEventLoop()
        guard acceptsOutput else { return }
        output.append(bytes)
        didQueue()
    }

    /// Queues `bytes[range]` without copying them (`range` must lie within `bytes`).
    public func write(_ bytes: [UInt8], range: Range<Int>) {
        loop.preconditionInEventLoop()
        precondition(range.lowerBound >= 0 && range.upperBound <= bytes.count, "range outside the array")
        guard acceptsOutput else { return }
        output.append(bytes, range: range)
        didQueue()
    }

    private func didQueue() {
        if !flushScheduled && !pollingWritable {
            flushScheduled = true
            loop.runAtEndOfTurn(self)
        }
        if isWritable && output.pendingBytes > highWaterMark {
            isWritable = false
            delegate?.byteStreamWritabilityChanged()
        }
    }

    /// Writes what is queued now instead of at the end of the turn.
    public func flush() {
        guard acceptsOutput, !output.isEmpty else { return }
        while !output.isEmpty {
            let count = output.gather(into: loop.iovecs, capacity: EventLoop.iovecCapacity)
            var message = msghdr()
            message.msg_iov = loop.iovecs
            message.msg_iovlen = count
            let outcome: Syscall.Outcome<Int>
            writeSyscalls += 1
            do {
                outcome = try Syscall.nonBlocking("sendmsg") { sendmsg(fd, &message, Int32(MSG_NOSIGNAL)) }
            } catch {
                closeNow(error: error)
                return
            }
            guard case .done(let written) = outcome else {
                if !pollingWritable {
                    pollingWritable = true
                    loop.modify(fd, events: currentEvents())
                }
                return
            }
            output.advance(written, pool: loop.stagingPool)
        }
        if pollingWritable {
            pollingWritable = false
            loop.modify(fd, events: currentEvents())
        }
        if !isWritable && output.pendingBytes <= lowWaterMark {
            isWritable = true
            delegate?.byteStreamWritabilityChanged()
        }
        if state == .closing && output.isEmpty { shutDownAndDrain() }
    }

    // MARK: - Reading

    /// Stops reading from the socket (TCP backpressure) until `resumeReading()`.
    public func pauseReading() {
        guard isOpen, !readingPaused else { return }
        readingPaused = true
        loop.modify(fd, events: currentEvents())
    }

    /// Resumes reading after `pauseReading()`.
    public func resumeReading() {
        guard isOpen, readingPaused else { return }
        readingPaused = false
        loop.modify(fd, events: currentEvents())
    }

    private func currentEvents() -> UInt32 {
        var events: UInt32 = 0
        // While paused, RDHUP must not be polled either: level-triggered, it would fire forever.
        if !readingPaused { events |= EPOLLIN.rawValue | EPOLLRDHUP.rawValue }
        if pollingWritable { events |= EPOLLOUT.rawValue }
        return events
    }

    private func readAvailable() {
        let buffer = loop.readBuffer
        var budget = max(1, maxReadPerTurn)
        while budget > 0 {
            let request = min(buffer.count, budget)
            let outcome: Syscall.Outcome<Int>
            do {
                outcome = try Syscall.nonBlocking("read") { Glibc.read(fd, buffer.baseAddress, request) }
            } catch {
                closeNow(error: error)
                return
            }
            guard case .done(let count) = outcome else { return }
            if count == 0 {
                // Peer closed: send what is still queued (best effort), then close.
                flush()
                closeNow(error: nil)
                return
            }
            budget -= count
            if state == .draining { continue }
            let bytes = UnsafeBufferPointer(
                start: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self), count: count)
            delegate?.byteStreamDidRead(bytes.span)
            if state != .open || readingPaused || count < request { return }
        }
    }

    // MARK: - Closing

    /// Closes the connection now; queued output is dropped. The delegate hears `connectionClosed(error: nil)`.
    /// Any thread (off the loop it hops there).
    public func close() {
        guard loop.inEventLoop else {
            loop.execute { self.closeNow(error: nil) }
            return
        }
        closeNow(error: nil)
    }

    /// Closes once queued output has been written: then shuts down our side (the peer reads
    /// everything up to a FIN), reads and drops input until the peer closes or `drainTimeout`
    /// passes, and closes. (Closing with unread input would make the kernel send a reset, which can
    /// destroy what the peer has not read yet, such as a final GOAWAY.)
    public func closeAfterFlush() {
        guard state == .open else { return }
        state = .closing
        if output.isEmpty {
            shutDownAndDrain()
        } else if !flushScheduled && !pollingWritable {
            flushScheduled = true
            loop.runAtEndOfTurn(self)
        }
    }

    private func shutDownAndDrain() {
        state = .draining
        _ = Glibc.shutdown(fd, Int32(SHUT_WR))
        if readingPaused {
            readingPaused = false
            loop.modify(fd, events: currentEvents())
        }
        drainTimer = loop.schedule(after: drainTimeout) { [weak self] in self?.closeNow(error: nil) }
    }

    func closeNow(error: IOError?) {
        guard state != .closed else { return }
        let wasRegistered = state != .idle
        state = .closed
        drainTimer?.cancel()
        drainTimer = nil
        if wasRegistered { loop.deregister(fd) }
        Syscall.close(fd)
        output.removeAll()
        let delegate = self.delegate
        self.delegate = nil
        delegate?.byteStreamClosed(error: error)
    }

    /// Reads an integer socket option, e.g. to check that `SocketOptions` took effect. Any thread.
    public func option(_ name: SocketOptionName) -> Int {
        let (level, option) = name.levelAndName
        return Int(SocketOptions.get(fd, level, option))
    }
}

extension TCPConnection: ByteStream {}

extension TCPConnection: SelectableHandler {
    func handleEvents(_ events: UInt32) {
        if events & EPOLLOUT.rawValue != 0 {
            flush()
            guard isOpen else { return }
        }
        if events & (EPOLLIN.rawValue | EPOLLRDHUP.rawValue | EPOLLHUP.rawValue | EPOLLERR.rawValue) != 0 {
            if readingPaused && events & (EPOLLHUP.rawValue | EPOLLERR.rawValue) == 0 { return }
            readAvailable()
        }
    }

    func closeForShutdown() {
        closeNow(error: IOError(.loopShutDown, operation: "event loop shutdown"))
    }
}

extension TCPConnection: EndOfTurnHandler {
    package func endOfTurn() {
        flushScheduled = false
        if !pollingWritable { flush() }
    }
}
