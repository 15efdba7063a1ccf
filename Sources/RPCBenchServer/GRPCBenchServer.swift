import BenchProto
import H2RPC

/// gRPC `bench.Echo` on h2rpc's `RPCServer`, through the generated `Bench_Echo.ServiceProtocol`: what a
/// user of the library writes, so that its figures are the library's.
public final class GRPCBenchServer: BenchServer {
    public let kind = BenchProtocolKind.grpc
    public let port: Int
    private let server: RPCServer

    private init(server: RPCServer, port: Int) {
        self.server = server
        self.port = port
    }

    /// Starts listening; with `tls`, over TLS (ALPN h2).
    public static func start(
        host: String, port: Int, threads: Int?, busyPoll: Duration? = nil, tls: BenchTLSFiles? = nil
    ) async throws(BenchError) -> GRPCBenchServer {
        var configuration = RPCServer.Configuration()
        configuration.loopCount = threads
        configuration.busyPoll = busyPoll
        configuration.tls = tls?.serverConfiguration
        // A payload of the largest size is a message a few bytes longer (its field tag and length).
        configuration.maxReceiveMessageSize = BenchLimits.maxMessage + BenchLimits.messageOverhead
        let server = RPCServer(services: [BenchEchoService()], configuration: configuration)
        do {
            let bound = try await server.start(host: host, port: port)
            return GRPCBenchServer(server: server, port: bound)
        } catch {
            if error.message.contains("in use") || error.message.contains("errno 98") {
                throw .listen("port \(port) on \(host) is in use (\(error.message))")
            }
            throw .listen("cannot listen on \(host):\(port): \(error)")
        }
    }

    public func stop() async {
        await server.shutdown(gracePeriod: .seconds(1))
    }
}

/// `bench.Echo`: Unary and PingPong echo, Download streams `count` messages of `message_size` bytes.
struct BenchEchoService: Bench_Echo.ServiceProtocol {
    func unary(request: Bench_Payload, context: ServerContext) async throws -> Bench_Payload {
        request
    }

    func pingPong(
        requests: RequestStream<Bench_Payload>, responses: ResponseWriter<Bench_Payload>,
        context: ServerContext
    ) async throws {
        for try await message in requests {
            try await responses.send(message)
        }
    }

    func download(
        request: Bench_DownloadRequest, responses: ResponseWriter<Bench_Payload>,
        context: ServerContext
    ) async throws {
        guard request.messageSize <= UInt32(BenchLimits.maxMessage) else {
            throw RPCError(
                code: .invalidArgument,
                message: "message_size \(request.messageSize) is above \(BenchLimits.maxMessage)")
        }
        var payload = Bench_Payload()
        payload.body = [UInt8](repeating: 0x5A, count: Int(request.messageSize))
        for _ in 0..<request.count {
            try await responses.send(payload)
        }
    }
}
