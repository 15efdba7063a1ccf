import EventIO
import H2TLS
import RPCBenchServer

/// One client connection. Calls pipeline: requests leave in call order and replies come back in the
/// same order, so a FIFO of waiters matches them. All state is touched on the connection's loop only;
/// callers' tasks run there (`taskExecutor`), and hop there when they do not.
final class TCPBenchConnection: BenchConnection, ByteStreamDelegate, @unchecked Sendable {
    private enum Waiter {
        case reply(UnsafeContinuation<Result<[UInt8], BenchError>, Never>)
        case download(DownloadWaiter)
    }

    private final class DownloadWaiter {
        var remaining: Int
        let onMessage: (Int) -> Void
        let done: UnsafeContinuation<Result<Void, BenchError>, Never>
        init(
            remaining: Int, onMessage: @escaping (Int) -> Void,
            done: UnsafeContinuation<Result<Void, BenchError>, Never>
        ) {
            self.remaining = remaining
            self.onMessage = onMessage
            self.done = done
        }
    }

    /// The socket, or a TLS stream over it.
    private let connection: any ByteStream
    private let loop: EventLoop
    private let peer: String
    // Loop-only state.
    private var waiters: [Waiter] = []
    private var head = 0
    private var splitter = TCPFrameSplitter()
    private var reply: [UInt8] = []
    private var replyFilled = 0
    private var frameSize = 0
    private var closedError: BenchError?
    private var headerScratch: [UInt8] = [0, 0, 0, 0]

    init(stream: any ByteStream, peer: String) {
        self.connection = stream
        self.loop = stream.loop
        self.peer = peer
    }

    var taskExecutor: (any TaskExecutor)? { loop.taskExecutor }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }

    func unary(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        let result = await withUnsafeContinuation {
            (continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>) in
            // Not through `onLoop`: forming that closure would allocate its context on every call.
            if loop.inEventLoop {
                send(payload, continuation)
            } else {
                loop.execute { self.send(payload, continuation) }
            }
        }
        return try result.get()
    }

    private func send(_ payload: [UInt8], _ continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>) {
        if let closedError { return continuation.resume(returning: .failure(closedError)) }
        let n = UInt32(payload.count)
        headerScratch[0] = UInt8(truncatingIfNeeded: n >> 24)
        headerScratch[1] = UInt8(truncatingIfNeeded: n >> 16)
        headerScratch[2] = UInt8(truncatingIfNeeded: n >> 8)
        headerScratch[3] = UInt8(truncatingIfNeeded: n)
        connection.write(headerScratch.span)
        connection.write(payload.span)
        waiters.append(.reply(continuation))
    }

    func openPingPong() async throws(BenchError) -> any PingPongStream {
        // The raw framing has no streams: a ping-pong is a series of echoed frames on the connection.
        TCPPingPong(connection: self)
    }

    func download(messageSize: Int, count: Int, onMessage: (Int) -> Void) async throws(BenchError) {
        let request = TCPFraming.downloadRequest(size: messageSize, count: count)
        let result = await withoutActuallyEscaping(onMessage) { onMessage in
            // The closure is only called on the loop while this call is suspended, and dropped before it resumes.
            let bound = LoopBound(onMessage, on: loop)
            return await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Void, BenchError>, Never>) in
                onLoop {
                    if let closedError = self.closedError {
                        return continuation.resume(returning: .failure(closedError))
                    }
                    self.connection.write(request, range: 0..<request.count)
                    self.waiters.append(
                        .download(DownloadWaiter(remaining: count, onMessage: bound.value, done: continuation)))
                }
            }
        }
        try result.get()
    }

    func close() async {
        await withUnsafeContinuation { (done: UnsafeContinuation<Void, Never>) in
            onLoop {
                self.connection.close()
                done.resume()
            }
        }
    }

    // MARK: ByteStreamDelegate (loop thread)

    func byteStreamDidRead(_ bytes: Span<UInt8>) {
        var offset = 0
        while let (event, next) = splitter.next(bytes, from: offset) {
            offset = next
            switch event {
            case .header(let value):
                guard value <= UInt32(TCPFraming.maxFrame), head < waiters.count else {
                    fail(
                        .peer(
                            "\(peer) sent a frame nobody asked for (length field \(value)): not the rpcbench tcp framing"
                        ))
                    connection.close()
                    return
                }
                frameSize = Int(value)
                if case .reply = waiters[head] {
                    reply = [UInt8](repeating: 0, count: frameSize)
                    replyFilled = 0
                }
                splitter.expectPayload(frameSize)
                if frameSize == 0 { frameDone() }
            case .payload(let at, let count, let done):
                if case .reply = waiters[head] {
                    reply.copy(bytes, from: at, count: count, to: replyFilled)
                    replyFilled += count
                }
                if done { frameDone() }
            }
        }
    }

    private func frameDone() {
        switch waiters[head] {
        case .reply(let continuation):
            popWaiter()
            let bytes = reply
            reply = []
            continuation.resume(returning: .success(bytes))
        case .download(let waiter):
            waiter.remaining -= 1
            waiter.onMessage(frameSize)
            if waiter.remaining == 0 {
                popWaiter()
                waiter.done.resume(returning: .success(()))
            }
        }
    }

    private func popWaiter() {
        head += 1
        if head == waiters.count {
            waiters.removeAll(keepingCapacity: true)
            head = 0
        } else if head >= 1024 && head * 2 >= waiters.count {
            waiters.removeFirst(head)
            head = 0
        }
    }

    func byteStreamWritabilityChanged() {}

    func byteStreamClosed(error: IOError?) {
        if let failure = (connection as? TLSByteStream)?.failure {
            fail(.connect("TLS to \(peer): \(failure)"))
            return
        }
        let why = error.map { " (\($0))" } ?? ""
        fail(.peer("\(peer) closed the connection\(why)"))
    }

    private func fail(_ error: BenchError) {
        if closedError == nil { closedError = error }
        let pendingWaiters = waiters[head...]
        waiters = []
        head = 0
        for waiter in pendingWaiters {
            switch waiter {
            case .reply(let continuation): continuation.resume(returning: .failure(error))
            case .download(let waiter): waiter.done.resume(returning: .failure(error))
            }
        }
    }
}
