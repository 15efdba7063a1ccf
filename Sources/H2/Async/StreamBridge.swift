import Synchronization

/// The loop-layer delegate behind the async API: feeds the body, wakes the writer, hands
/// the response head to a waiting client.
final class StreamBridge: H2StreamDelegate, @unchecked Sendable {
    let body: H2Body
    let writer: H2StreamWriter
    private let head = Mutex<HeadState>(HeadState())

    struct HeadState {
        var head: H2Headers?
        var error: H2Error?
        var waiter: UnsafeContinuation<Result<H2Headers, H2Error>, Never>?
    }

    init(stream: H2Stream) {
        body = H2Body(stream: stream)
        writer = H2StreamWriter(stream: stream)
    }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
        let waiter = self.head.withLock { state -> UnsafeContinuation<Result<H2Headers, H2Error>, Never>? in
            state.head = head
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .success(head))
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        body.append(bytes.copiedArray)
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        body.finish(trailers: trailers, error: nil)
    }

    func streamWritabilityChanged(_ stream: H2Stream) {
        writer.writabilityChanged()
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        body.finish(trailers: nil, error: error ?? .streamReset(.noError))
        writer.closed(error)
        let waiter = head.withLock { state -> UnsafeContinuation<Result<H2Headers, H2Error>, Never>? in
            if state.head == nil && state.error == nil { state.error = error ?? .streamReset(.noError) }
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: .failure(error ?? .streamReset(.noError)))
    }

    /// The response head, once it arrived.
    func responseHead() async throws(H2Error) -> H2Headers {
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<H2Headers, H2Error>, Never>) in
            let ready: Result<H2Headers, H2Error>? = head.withLock { state in
                if let head = state.head { return .success(head) }
                if let error = state.error { return .failure(error) }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }
}
