import EventIO
import H2
import H2TLS

/// The plain HTTP/2 server (h2c, prior knowledge) on H2's loop layer: `POST /echo` and `POST /pingpong`
/// echo each DATA chunk as it arrives, `GET /download?size=S&count=N` streams N chunks of S bytes.
/// No async hop anywhere: the handler is a stream delegate on the connection's loop, the cost floor
/// of HTTP/2 under gRPC.
public final class H2BenchServer: BenchServer {
    public let kind = BenchProtocolKind.h2
    public let port: Int
    private let group: EventLoopGroup
    private let listener: TCPListener

    private init(group: EventLoopGroup, listener: TCPListener) {
        self.group = group
        self.listener = listener
        self.port = listener.localAddress.port
    }

    /// Starts listening; with `tls`, HTTP/2 runs over TLS (ALPN h2) on every connection.
    public static func start(
        host: String, port: Int, threads: Int?, busyPoll: Duration? = nil, tls: BenchTLSFiles? = nil
    ) throws(BenchError) -> H2BenchServer {
        let tlsContext = try tls?.makeServerContext()
        let group = try BenchEventLoops.start(
            threads, defaultCount: EventLoopGroup.coreCount, busyPoll: busyPoll, failure: BenchError.listen)
        do {
            let address = try SocketAddress(host: host, port: port)
            let listener = try TCPListener.bind(to: address, group: group) { tcp in
                let transport: any ByteStream
                if let tlsContext {
                    guard let stream = try? TLSByteStream(accepted: tcp, context: tlsContext) else {
                        tcp.close()
                        return
                    }
                    transport = stream
                } else {
                    transport = tcp
                }
                H2Connection.accept(transport) { stream, head in H2BenchHandlers.handler(for: stream, head: head) }
            }
            return H2BenchServer(group: group, listener: listener)
        } catch {
            group.shutdown()
            throw IOErrors.listen(error, host: host, port: port)
        }
    }

    public func stop() async {
        await listener.close()
        group.shutdown()
    }
}

enum H2BenchHandlers {
    static let okHead: H2Headers = [(":status", "200"), ("content-type", "application/octet-stream")]

    static func handler(for stream: H2Stream, head: H2Headers) -> any H2StreamDelegate {
        let path = head.path ?? ""
        switch (head.method ?? "", path.split(separator: "?", maxSplits: 1).first.map(String.init) ?? "") {
        case ("POST", "/echo"), ("POST", "/pingpong"):
            stream.sendHeaders(okHead)
            return H2EchoHandler()
        case ("GET", "/download"):
            guard let (size, count) = downloadQuery(path) else {
                stream.sendHeaders([(":status", "400")], endStream: true)
                return H2IgnoreHandler()
            }
            stream.sendHeaders(okHead)
            let handler = H2DownloadHandler(size: size, count: count)
            handler.pump(stream)
            return handler
        default:
            stream.sendHeaders([(":status", "404")], endStream: true)
            return H2IgnoreHandler()
        }
    }

    /// `size` and `count` of `/download?size=S&count=N`, within the limits.
    static func downloadQuery(_ path: String) -> (size: Int, count: Int)? {
        guard let query = path.split(separator: "?", maxSplits: 1).dropFirst().first else { return nil }
        var size: Int?, count: Int?
        for pair in query.split(separator: "&") {
            let kv = pair.split(separator: "=", maxSplits: 1)
            guard kv.count == 2 else { continue }
            if kv[0] == "size" { size = Int(kv[1]) }
            if kv[0] == "count" { count = Int(kv[1]) }
        }
        guard let size, let count, size >= 1, size <= BenchLimits.maxMessage, count >= 1 else { return nil }
        return (size, count)
    }
}

/// Echoes every DATA chunk back as it arrives; ends when the request ends.
final class H2EchoHandler: H2StreamDelegate {
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        stream.sendData(copying: bytes)
        stream.consume(bytes.count)
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        stream.finish()
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {}
}

/// Streams `count` chunks of `size` bytes, as fast as the stream's window and queue allow.
final class H2DownloadHandler: H2StreamDelegate {
    private let payload: [UInt8]
    private var remaining: Int

    init(size: Int, count: Int) {
        payload = [UInt8](repeating: 0x5A, count: size)
        remaining = count
    }

    func pump(_ stream: H2Stream) {
        while remaining > 0 && stream.isWritable {
            remaining -= 1
            stream.sendData(payload, endStream: remaining == 0)
        }
    }

    func streamWritabilityChanged(_ stream: H2Stream) {
        if stream.isWritable { pump(stream) }
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) { stream.consume(bytes.count) }
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {}
    func stream(_ stream: H2Stream, didClose error: H2Error?) { remaining = 0 }
}

/// Drops whatever a refused request still sends.
final class H2IgnoreHandler: H2StreamDelegate {
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) { stream.consume(bytes.count) }
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {}
    func stream(_ stream: H2Stream, didClose error: H2Error?) {}
}
