public import RPCBenchServer
import EventIO

/// Opens raw-TCP baseline connections on its own event loops.
public final class TCPBenchClient: BenchClient {
    public let kind = BenchProtocolKind.tcp
    private let group: EventLoopGroup

    public init(threads: Int?, busyPoll: Duration? = nil) throws(BenchError) {
        group = try BenchEventLoops.start(threads, defaultCount: 1, busyPoll: busyPoll, failure: BenchError.connect)
    }

    deinit { group.shutdown() }

    public func connect(host: String, port: Int) async throws(BenchError) -> any BenchConnection {
        let loop = group.next()
        let connection: TCPConnection
        do {
            let address = try SocketAddress(host: host, port: port)
            connection = try await TCPConnection.connect(to: address, on: loop, timeout: .seconds(5))
        } catch {
            throw IOErrors.connect(error, host: host, port: port)
        }
        let bench = TCPBenchConnection(connection: connection, peer: "\(host):\(port)")
        await withUnsafeContinuation { (done: UnsafeContinuation<Void, Never>) in
            loop.execute {
                connection.start(delegate: bench)
                done.resume()
            }
        }
        return bench
    }
}
