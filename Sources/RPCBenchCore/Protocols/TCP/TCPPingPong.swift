import EventIO
import RPCBenchServer

/// A ping-pong over raw framing: each exchange is an echoed frame on the shared connection.
final class TCPPingPong: PingPongStream {
    let connection: TCPBenchConnection
    init(connection: TCPBenchConnection) { self.connection = connection }
    func exchange(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] { try await connection.unary(payload) }
    func close() async {}
}
