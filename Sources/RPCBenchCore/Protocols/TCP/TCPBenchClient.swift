public import RPCBenchServer
import EventIO
public import H2TLS

/// Opens raw-TCP baseline connections on its own event loops.
public final class TCPBenchClient: BenchClient {
    public let kind = BenchProtocolKind.tcp
    private let group: EventLoopGroup
    private let tls: TLSClientContext?

    /// A client on `threads` event loops; over TLS when `tls` is given.
    public init(threads: Int?, busyPoll: Duration? = nil, tls: TLSClientContext? = nil) throws(BenchError) {
        group = try BenchEventLoops.start(threads, defaultCount: 1, busyPoll: busyPoll, failure: BenchError.connect)
        self.tls = tls
    }

    deinit { group.shutdown() }

    public func connect(to target: Target) async throws(BenchError) -> any BenchConnection {
        let host = target.host, port = target.port
        let loop = group.next()
        let connection: TCPConnection
        do {
            let address = try SocketAddress(host: host, port: port)
            connection = try await TCPConnection.connect(to: address, on: loop, timeout: .seconds(5))
        } catch {
            throw IOErrors.connect(error, host: host, port: port)
        }
        let stream: any ByteStream
        if let tls {
            guard let tlsStream = BenchClientTLS.stream(over: connection, host: host, context: tls) else {
                connection.close()
                throw .connect("cannot start TLS to \(host):\(port)")
            }
            stream = tlsStream
        } else {
            stream = connection
        }
        let bench = TCPBenchConnection(stream: stream, peer: "\(host):\(port)")
        let unstarted = LoopBound(stream, on: loop)
        await withUnsafeContinuation { (done: UnsafeContinuation<Void, Never>) in
            loop.execute {
                unstarted.value.start(delegate: bench)
                done.resume()
            }
        }
        return bench
    }
}
