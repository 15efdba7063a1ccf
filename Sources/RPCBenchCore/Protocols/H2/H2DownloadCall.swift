import H2
import RPCBenchServer

/// One `GET /download`: reports a message every `size` bytes, resumes its caller at the end.
final class H2DownloadCall: H2StreamDelegate {
    private let size: Int
    private let count: Int
    private let onMessage: (Int) -> Void
    private var continuation: UnsafeContinuation<Result<Void, BenchError>, Never>?
    private var partial = 0
    private var messages = 0
    private let peer: String

    init(
        size: Int, count: Int, onMessage: @escaping (Int) -> Void,
        continuation: UnsafeContinuation<Result<Void, BenchError>, Never>, peer: String
    ) {
        self.size = size
        self.count = count
        self.onMessage = onMessage
        self.continuation = continuation
        self.peer = peer
    }

    func fail(_ error: BenchError) {
        continuation?.resume(returning: .failure(error))
        continuation = nil
    }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
        if let error = checkStatus(head, peer: peer, path: "/download") {
            fail(error)
            stream.reset()
        }
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        stream.consume(bytes.count)
        guard continuation != nil else { return }
        partial += bytes.count
        while partial >= size {
            partial -= size
            messages += 1
            onMessage(size)
        }
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        guard continuation != nil else { return }
        if messages != count || partial != 0 {
            fail(.peer("\(peer): /download sent \(messages * size + partial) bytes, asked for \(count) × \(size)"))
        } else {
            continuation?.resume(returning: .success(()))
            continuation = nil
        }
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        fail(.peer("\(peer): the /download stream closed before its end\(error.map { " (\($0))" } ?? "")"))
    }
}
