import H2
import RPCBenchServer

/// One `POST /pingpong` stream: each exchange sends a chunk and waits for as many bytes back.
final class H2PingPong: PingPongStream, H2StreamDelegate, @unchecked Sendable {
    var stream: H2Stream?
    private var waiter: UnsafeContinuation<Result<[UInt8], BenchError>, Never>?
    private var reply: [UInt8] = []
    private var filled = 0
    private var closedError: BenchError?
    private let peer: String

    init(peer: String) { self.peer = peer }

    func exchange(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        guard let stream else { throw .peer("\(peer): no stream") }
        let loop = stream.loop
        let result = await withUnsafeContinuation {
            (continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>) in
            let send: @Sendable () -> Void = {
                if let closedError = self.closedError { return continuation.resume(returning: .failure(closedError)) }
                self.waiter = continuation
                self.reply = [UInt8](repeating: 0, count: payload.count)
                self.filled = 0
                stream.sendData(payload)
                if payload.isEmpty { self.complete() }
            }
            if loop.inEventLoop { send() } else { loop.execute(send) }
        }
        return try result.get()
    }

    private func complete() {
        let bytes = reply
        reply = []
        let waiter = self.waiter
        self.waiter = nil
        waiter?.resume(returning: .success(bytes))
    }

    func close() async {
        guard let stream else { return }
        stream.finish()
    }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
        if let error = checkStatus(head, peer: peer, path: "/pingpong") {
            fail(error)
            stream.reset()
        }
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        stream.consume(bytes.count)
        guard waiter != nil, filled + bytes.count <= reply.count else {
            fail(.peer("\(peer): /pingpong sent \(bytes.count) bytes nobody asked for"))
            stream.reset()
            return
        }
        reply.copy(bytes, from: 0, count: bytes.count, to: filled)
        filled += bytes.count
        if filled == reply.count { complete() }
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        fail(.peer("\(peer): the server ended /pingpong"))
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        fail(.peer("\(peer): the /pingpong stream closed\(error.map { " (\($0))" } ?? "")"))
    }

    private func fail(_ error: BenchError) {
        if closedError == nil { closedError = error }
        let waiter = self.waiter
        self.waiter = nil
        waiter?.resume(returning: .failure(error))
    }
}
