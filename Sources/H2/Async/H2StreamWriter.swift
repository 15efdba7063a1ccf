import EventIO

/// Writes one stream's outgoing side from async code: head, body chunks, trailers.
///
/// `write` suspends while the stream's queue is above its high-water mark (the peer is not
/// reading, or its window is shut), so a fast writer cannot outrun a slow reader.
public final class H2StreamWriter: Sendable {
    struct State {
        /// The stream's writability as the loop last saw it.
        var writable = true
        /// Writes handed to the loop from other threads, and how many of them it has queued.
        var issued: UInt64 = 0
        var processed: UInt64 = 0
        /// Set once the stream closed.
        var closed: H2Error?
    }

    let stream: H2Stream
    private let state = WaitableState(State())

    init(stream: H2Stream) { self.stream = stream }

    /// Sends the head (the response head on server streams). With `endStream` the stream has no body.
    public func sendHeaders(_ head: H2Headers, endStream: Bool = false) {
        stream.sendHeaders(head, endStream: endStream)
    }

    /// Queues `bytes`; returns when the stream can take more.
    /// - Throws: `H2Error` when the stream was reset or the connection closed; `.cancelled` when
    ///   the task is cancelled while waiting for the stream to drain (the bytes stay queued).
    public func write(_ bytes: [UInt8]) async throws(H2Error) {
        if let closed = state.withLock({ $0.closed }) { throw closed }
        let loop = stream.loop
        var ticket: UInt64 = 0
        if loop.inEventLoop {
            stream.sendData(bytes)
            if stream.isWritable { return }
            state.withLock { $0.writable = false }
        } else {
            let issued = state.withLock { state in
                state.issued &+= 1
                return state.issued
            }
            ticket = issued
            let stream = self.stream
            let state = self.state
            loop.execute {
                stream.sendData(bytes)
                let writable = stream.isWritable
                state.update { state in
                    state.processed = issued
                    state.writable = writable
                }
            }
        }
        let failure: H2Error?
        do {
            failure = try await state.wait { state -> H2Error?? in
                if let closed = state.closed { return .some(closed) }
                if state.processed >= ticket && state.writable { return .some(nil) }
                return nil
            }
        } catch {
            throw .cancelled
        }
        if let failure { throw failure }
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
        let writable = stream.isWritable
        state.update { $0.writable = writable }
    }

    func closed(_ error: H2Error?) {
        state.update { $0.closed = error ?? .streamReset(.streamClosed) }
    }
}
