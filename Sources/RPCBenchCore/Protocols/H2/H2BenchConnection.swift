import EventIO
import H2
import RPCBenchServer

/// One HTTP/2 connection; every call is a stream on it, driven from the connection's loop.
final class H2BenchConnection: BenchConnection, @unchecked Sendable {
    let connection: H2Connection
    let authority: String
    private let echoHead: H2Headers
    private let pingPongHead: H2Headers

    init(connection: H2Connection, authority: String) {
        self.connection = connection
        self.authority = authority
        echoHead = [(":method", "POST"), (":scheme", "http"), (":path", "/echo"), (":authority", authority),
                    ("content-type", "application/octet-stream")]
        pingPongHead = [(":method", "POST"), (":scheme", "http"), (":path", "/pingpong"), (":authority", authority),
                        ("content-type", "application/octet-stream")]
    }

    var taskExecutor: (any TaskExecutor)? { connection.loop.taskExecutor }
    private var loop: EventLoop { connection.loop }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }

    func unary(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>) in
            // Not through `onLoop`: forming that closure would allocate its context on every call.
            if loop.inEventLoop {
                startUnary(payload, continuation)
            } else {
                loop.execute { self.startUnary(payload, continuation) }
            }
        }
        return try result.get()
    }

    private func startUnary(_ payload: [UInt8], _ continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>) {
        let call = H2UnaryCall(continuation: continuation, expected: payload.count, peer: authority)
        do {
            let stream = try connection.openStream(echoHead, delegate: call)
            stream.sendData(payload, endStream: true)
        } catch {
            call.fail(openFailure(error))
        }
    }

    func openPingPong() async throws(BenchError) -> any PingPongStream {
        let result = await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<H2PingPong, BenchError>, Never>) in
            onLoop {
                let pingPong = H2PingPong(peer: self.authority)
                do {
                    pingPong.stream = try self.connection.openStream(self.pingPongHead, delegate: pingPong)
                    continuation.resume(returning: .success(pingPong))
                } catch {
                    continuation.resume(returning: .failure(self.openFailure(error)))
                }
            }
        }
        return try result.get()
    }

    func download(messageSize: Int, count: Int, onMessage: (Int) -> Void) async throws(BenchError) {
        let head: H2Headers = [(":method", "GET"), (":scheme", "http"), (":path", "/download?size=\(messageSize)&count=\(count)"),
                               (":authority", authority)]
        let result = await withoutActuallyEscaping(onMessage) { onMessage in
            // Called on the loop only while this call is suspended; dropped before it resumes.
            let bound = LoopBound(onMessage, on: loop)
            return await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Void, BenchError>, Never>) in
                onLoop {
                    let call = H2DownloadCall(size: messageSize, count: count, onMessage: bound.value, continuation: continuation,
                                              peer: self.authority)
                    do {
                        _ = try self.connection.openStream(head, endStream: true, delegate: call)
                    } catch {
                        call.fail(self.openFailure(error))
                    }
                }
            }
        }
        try result.get()
    }

    func close() async {
        connection.close()
    }

    /// Why no stream could be opened; a connection that is already gone usually means the peer is not an
    /// HTTP/2 server (it hung up on the connection preface).
    private func openFailure(_ error: any Error) -> BenchError {
        if case .connectionNotUsable? = error as? H2Error {
            return .peer("\(authority) closed the HTTP/2 connection (is it an HTTP/2 server?)")
        }
        return .peer("\(authority): cannot open a stream: \(error)")
    }
}
