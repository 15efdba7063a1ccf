import EventIO
import H2
import H2TLS
import RPCBenchServer

/// One HTTP/2 connection; every call is a stream on it, driven from the connection's loop.
final class H2BenchConnection: BenchConnection, @unchecked Sendable {
    let connection: H2Connection
    let authority: String
    /// `https` over TLS, `http` otherwise.
    let scheme: String
    private let echoHead: H2Headers
    private let pingPongHead: H2Headers

    /// The TLS stream under the connection, if any: when a call fails, its handshake failure is the reason.
    private let tls: TLSByteStream?

    init(connection: H2Connection, authority: String, tls: TLSByteStream? = nil) {
        self.connection = connection
        self.authority = authority
        self.tls = tls
        let scheme = tls == nil ? "http" : "https"
        self.scheme = scheme
        echoHead = [
            (":method", "POST"), (":scheme", scheme), (":path", "/echo"), (":authority", authority),
            ("content-type", "application/octet-stream"),
        ]
        pingPongHead = [
            (":method", "POST"), (":scheme", scheme), (":path", "/pingpong"), (":authority", authority),
            ("content-type", "application/octet-stream"),
        ]
    }

    var taskExecutor: (any TaskExecutor)? { connection.loop.taskExecutor }
    private var loop: EventLoop { connection.loop }

    private func onLoop(_ body: @escaping @Sendable () -> Void) {
        if loop.inEventLoop { body() } else { loop.execute(body) }
    }

    func unary(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        let result = await withUnsafeContinuation {
            (continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>) in
            // Not through `onLoop`: forming that closure would allocate its context on every call.
            if loop.inEventLoop {
                startUnary(payload, continuation)
            } else {
                loop.execute { self.startUnary(payload, continuation) }
            }
        }
        switch result {
        case .success(let reply): return reply
        case .failure(let error): throw await explained(error)
        }
    }

    /// `error`, or the TLS failure that ended the connection when there is one (a handshake refused
    /// by either side fails the first call, which then names the reason).
    private func explained(_ error: BenchError) async -> BenchError {
        guard let tls else { return error }
        let failure = loop.inEventLoop ? tls.failure : await loop.submit { tls.failure }
        guard let failure else { return error }
        return .connect("TLS to \(authority): \(failure)")
    }

    private func startUnary(_ payload: [UInt8], _ continuation: UnsafeContinuation<Result<[UInt8], BenchError>, Never>)
    {
        let call = H2UnaryCall(continuation: continuation, expected: payload.count, peer: authority)
        do {
            let stream = try connection.openStream(echoHead, delegate: call)
            stream.sendData(payload, endStream: true)
        } catch {
            call.fail(openFailure(error))
        }
    }

    func openPingPong() async throws(BenchError) -> any PingPongStream {
        let result = await withUnsafeContinuation {
            (continuation: UnsafeContinuation<Result<H2PingPong, BenchError>, Never>) in
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
        switch result {
        case .success(let stream): return stream
        case .failure(let error): throw await explained(error)
        }
    }

    func download(messageSize: Int, count: Int, onMessage: (Int) -> Void) async throws(BenchError) {
        let head: H2Headers = [
            (":method", "GET"), (":scheme", scheme), (":path", "/download?size=\(messageSize)&count=\(count)"),
            (":authority", authority),
        ]
        let result = await withoutActuallyEscaping(onMessage) { onMessage in
            // Called on the loop only while this call is suspended; dropped before it resumes.
            let bound = LoopBound(onMessage, on: loop)
            return await withUnsafeContinuation { (continuation: UnsafeContinuation<Result<Void, BenchError>, Never>) in
                onLoop {
                    let call = H2DownloadCall(
                        size: messageSize, count: count, onMessage: bound.value, continuation: continuation,
                        peer: self.authority)
                    do {
                        _ = try self.connection.openStream(head, endStream: true, delegate: call)
                    } catch {
                        call.fail(self.openFailure(error))
                    }
                }
            }
        }
        if case .failure(let error) = result { throw await explained(error) }
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
