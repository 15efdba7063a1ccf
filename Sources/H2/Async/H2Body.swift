import Synchronization

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
        var waiter: UnsafeContinuation<Result<[UInt8]?, H2Error>, Never>?
    }

    private let state = Mutex(State())
    private let stream: H2Stream

    init(stream: H2Stream) { self.stream = stream }

    // MARK: - Loop side

    func append(_ chunk: [UInt8]) {
        let waiter: UnsafeContinuation<Result<[UInt8]?, H2Error>, Never>? = state.withLock { state in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.chunks.append(chunk)
            return nil
        }
        if let waiter {
            stream.consume(chunk.count)
            waiter.resume(returning: .success(chunk))
        }
    }

    func finish(trailers: H2Headers?, error: H2Error?) {
        let waiter: UnsafeContinuation<Result<[UInt8]?, H2Error>, Never>? = state.withLock { state in
            if state.finished { return nil }
            state.finished = true
            state.trailers = trailers
            state.error = error
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: error.map { .failure($0) } ?? .success(nil))
    }

    // MARK: - Consumer side

    /// Trailers the peer sent after the body, once the body has been read to its end.
    public var trailers: H2Headers? { state.withLock { $0.trailers } }

    /// Reads the whole body into one array.
    /// - Throws: `H2Error` when the stream is reset or the connection closes first, or when the
    ///   body is larger than `limit` bytes (`.protocolViolation`).
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
        let immediate: Result<[UInt8]?, H2Error>? = state.withLock { state in
            if state.head < state.chunks.count {
                let chunk = state.chunks[state.head]
                state.chunks[state.head] = []
                state.head += 1
                if state.head == state.chunks.count {
                    state.chunks.removeAll(keepingCapacity: true)
                    state.head = 0
                }
                return .success(chunk)
            }
            if state.finished { return state.error.map { .failure($0) } ?? .success(nil) }
            return nil
        }
        if let immediate {
            if case .success(let chunk?) = immediate { stream.consume(chunk.count) }
            return try immediate.get()
        }
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<[UInt8]?, H2Error>, Never>) in
            let ready: Result<[UInt8]?, H2Error>? = state.withLock { state in
                // Re-check under the lock: data may have arrived since.
                if state.head < state.chunks.count {
                    let chunk = state.chunks[state.head]
                    state.chunks[state.head] = []
                    state.head += 1
                    return .success(chunk)
                }
                if state.finished { return state.error.map { .failure($0) } ?? .success(nil) }
                precondition(state.waiter == nil, "H2Body has one consumer")
                state.waiter = continuation
                return nil
            }
            if let ready {
                if case .success(let chunk?) = ready { stream.consume(chunk.count) }
                continuation.resume(returning: ready)
            }
        }
        return try result.get()
    }

    /// Iterates the body's chunks.
    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: H2Body
        /// The next chunk, or nil at the end of the body.
        public mutating func next() async throws(H2Error) -> [UInt8]? { try await body.next() }
        public mutating func next(isolation actor: isolated (any Actor)?) async throws(H2Error) -> [UInt8]? {
            try await body.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}
