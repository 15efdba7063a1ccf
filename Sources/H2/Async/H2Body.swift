import EventIO

/// A stream's incoming body: an async sequence of byte chunks as they arrive, for one consumer.
///
/// Taking a chunk gives its bytes back to the peer's flow-control window, so a body that is
/// not read keeps the sender waiting instead of filling memory.
public final class H2Body: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    public typealias Failure = H2Error

    struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var finished = false
        var trailers: H2Headers?
        var error: H2Error?

        /// The next chunk, the end (nil), or the error; nil while there is nothing yet.
        mutating func takeNext() -> Result<[UInt8]?, H2Error>? {
            if head < chunks.count {
                let chunk = chunks[head]
                chunks[head] = []
                head += 1
                if head == chunks.count {
                    chunks.removeAll(keepingCapacity: true)
                    head = 0
                }
                return .success(chunk)
            }
            if finished { return error.map { .failure($0) } ?? .success(nil) }
            return nil
        }
    }

    private let state = WaitableState(State())
    private let stream: H2Stream

    init(stream: H2Stream) { self.stream = stream }

    // MARK: - Loop side

    func append(_ chunk: [UInt8]) {
        state.update { $0.chunks.append(chunk) }
    }

    func finish(trailers: H2Headers?, error: H2Error?) {
        state.update { state in
            if state.finished { return }
            state.finished = true
            state.trailers = trailers
            state.error = error
        }
    }

    // MARK: - Consumer side

    /// Trailers the peer sent after the body, once the body has been read to its end.
    public var trailers: H2Headers? { state.withLock { $0.trailers } }

    /// Reads the whole body into one array.
    /// - Throws: `H2Error` when the stream is reset or the connection closes first, when the
    ///   body is larger than `limit` bytes (`.protocolViolation`), or `.cancelled` when the task is cancelled.
    public func collect(upTo limit: Int = .max) async throws(H2Error) -> [UInt8] {
        var all: [UInt8] = []
        var iterator = makeAsyncIterator()
        while let chunk = try await iterator.next() {
            if all.count + chunk.count > limit { throw .protocolViolation("body larger than \(limit) bytes") }
            all.append(contentsOf: chunk)
        }
        return all
    }

    func next() async throws(H2Error) -> [UInt8]? {
        let result: Result<[UInt8]?, H2Error>
        do {
            result = try await state.wait { $0.takeNext() }
        } catch {
            throw .cancelled
        }
        if case .success(let chunk?) = result { stream.consume(chunk.count) }
        return try result.get()
    }

    /// Iterates the body's chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: H2Body
        /// The next chunk, or nil at the end of the body.
        /// - Throws: `H2Error` when the stream fails, `.cancelled` when the task is cancelled while waiting.
        public mutating func next() async throws(H2Error) -> [UInt8]? { try await body.next() }
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(H2Error) -> [UInt8]? {
            try await body.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}
