import H2
import RPCBenchServer

/// One `POST /echo`: collects the body, resumes its caller at the end of the stream.
final class H2UnaryCall: H2StreamDelegate {
    private var continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>?
    private var body: [UInt8]
    private var filled = 0
    private let peer: String

    init(continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>, expected: Int, peer: String) {
        self.continuation = continuation
        self.body = [UInt8](repeating: 0, count: expected)
        self.peer = peer
    }

    func fail(_ error: BenchError) {
        continuation?.resume(returning: .failure(error))
        continuation = nil
    }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
        if let error = checkStatus(head, peer: peer, path: "/echo") {
            fail(error)
            stream.reset()
        }
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        if filled + bytes.count > body.count {
            body.append(contentsOf: repeatElement(0, count: filled + bytes.count - body.count))
        }
        body.copy(bytes, from: 0, count: bytes.count, to: filled)
        filled += bytes.count
        stream.consume(bytes.count)
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        if filled < body.count { body.removeLast(body.count - filled) }
        continuation?.resume(returning: .success(body))
        continuation = nil
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        fail(.peer("\(peer): the /echo stream closed before its end\(error.map { " (\($0))" } ?? "")"))
    }
}
