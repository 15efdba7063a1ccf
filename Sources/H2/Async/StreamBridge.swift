import EventIO

/// The loop-layer delegate behind the async API: feeds the body, wakes the writer, hands
/// the response head to a waiting client.
final class StreamBridge: H2StreamDelegate, @unchecked Sendable {
    let body: H2Body
    let writer: H2StreamWriter
    /// The response head, or why none will come.
    private let head = WaitableState<Result<H2Headers, H2Error>?>(nil)

    init(stream: H2Stream) {
        body = H2Body(stream: stream)
        writer = H2StreamWriter(stream: stream)
    }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
        self.head.update { $0 = .success(head) }
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
        head.update { head in
            if head == nil { head = .failure(error ?? .streamReset(.noError)) }
        }
    }

    /// The response head, once it arrived.
    /// - Throws: `H2Error` when the stream closed first; `.cancelled` when the task is cancelled.
    func responseHead() async throws(H2Error) -> H2Headers {
        let result: Result<H2Headers, H2Error>
        do {
            result = try await head.wait { $0 }
        } catch {
            throw .cancelled
        }
        return try result.get()
    }
}
