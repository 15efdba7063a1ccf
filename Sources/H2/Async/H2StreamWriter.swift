import Synchronization

/// Writes one stream's outgoing side from async code: head, body chunks, trailers.
///
/// `write` suspends while the stream's queue is above its high-water mark (the peer is not
/// reading, or its window is shut), so a fast writer cannot outrun a slow reader.
public final class H2StreamWriter: Sendable {
    struct State {
        var waiter: UnsafeContinuation<Result<Void, H2Error>, Never>?
        var closedError: H2Error??
    }

    let stream: H2Stream
    private let state = Mutex(State())

    init(stream: H2Stream) { self.stream = stream }

    /// Sends the response head (server streams). With `endStream` the response has no body.
    public func sendHead(_ head: H2Headers, endStream: Bool = false) {
        stream.sendHeaders(head, endStream: endStream)
    }

    /// Queues `bytes`; returns when the stream can take more.
    /// - Throws: `H2Error` when the stream was reset or the connection closed.
    public func write(_ bytes: [UInt8]) async throws(H2Error) {
        if let closed = state.withLock({ $0.closedError }), let error = closed { throw error }
        let loop = stream.loop
        if loop.inEventLoop {
            stream.sendData(bytes)
            if stream.isWritable { return }
        }
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Void, H2Error>, Never>) in
            let stream = self.stream
            let run = {
                if stream.isWritable {
                    continuation.resume(returning: .success(()))
                    return
                }
                let closed: H2Error?? = self.state.withLock { state in
                    if let closed = state.closedError { return closed }
                    state.waiter = continuation
                    return nil
                }
                if let closed { continuation.resume(returning: closed.map { .failure($0) } ?? .success(())) }
            }
            if loop.inEventLoop {
                run()
            } else {
                let box = UncheckedBox(run)
                loop.execute {
                    stream.sendData(bytes)
                    box.value()
                }
            }
        }
        try result.get()
    }

    /// Ends the stream, with trailers if given.
    public func finish(trailers: H2Headers? = nil) {
        if let trailers { stream.sendTrailers(trailers) } else { stream.finish() }
    }

    /// Resets the stream.
    public func reset(_ code: H2ErrorCode = .cancel) {
        stream.reset(code)
    }

    // MARK: - Loop side

    func writabilityChanged() {
        guard stream.isWritable else { return }
        let waiter = state.withLock { state -> UnsafeContinuation<Result<Void, H2Error>, Never>? in
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .success(()))
    }

    func closed(_ error: H2Error?) {
        let waiter = state.withLock { state -> UnsafeContinuation<Result<Void, H2Error>, Never>? in
            state.closedError = .some(error ?? .streamReset(.streamClosed))
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .failure(error ?? .streamReset(.streamClosed)))
    }
}
