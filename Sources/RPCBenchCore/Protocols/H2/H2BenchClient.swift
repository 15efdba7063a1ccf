import EventIO
import H2
public import H2TLS
public import RPCBenchServer

/// Plain HTTP/2 client connections on H2's loop layer: one stream per unary call (`POST /echo`), one
/// long stream per ping-pong slot (`POST /pingpong`), one `GET /download` per download call.
public final class H2BenchClient: BenchClient {
    public let kind = BenchProtocolKind.h2
    private let group: EventLoopGroup
    private let tls: TLSClientContext?

    /// A client on `threads` event loops; over TLS (ALPN h2) when `tls` is given.
    public init(threads: Int?, busyPoll: Duration? = nil, tls: TLSClientContext? = nil) throws(BenchError) {
        group = try BenchEventLoops.start(threads, defaultCount: 1, busyPoll: busyPoll, failure: BenchError.connect)
        self.tls = tls
    }

    deinit { group.shutdown() }

    public func connect(to target: Target) async throws(BenchError) -> any BenchConnection {
        let host = target.host, port = target.port
        let address: SocketAddress
        do {
            address = try SocketAddress(host: host, port: port)
        } catch {
            throw IOErrors.connect(error, host: host, port: port)
        }
        do {
            var transport: (@Sendable (TCPConnection) -> (any ByteStream)?)?
            let made = LockedValue<TLSByteStream?>(nil)
            if let tls {
                transport = { tcp in
                    let stream = BenchClientTLS.stream(over: tcp, host: host, context: tls)
                    made.withLock { $0 = stream }
                    return stream
                }
            }
            let connection = try await H2Connection.connect(to: address, on: group.next(), transport: transport)
            return H2BenchConnection(
                connection: connection, authority: Target(host: host, port: port).description, tls: made.value)
        } catch {
            if case .connectFailed(let why) = error, why.contains("refused") {
                throw .connect("nothing listens on \(host):\(port) (connection refused)")
            }
            throw .connect("cannot connect to \(host):\(port): \(error)")
        }
    }
}
