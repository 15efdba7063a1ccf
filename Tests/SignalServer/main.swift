// The child process of the signal tests: `signal-server PORT` serves a bidirectional echo
// (`/signals.Echo/Chat`, HealthCheckRequest in and out) on 127.0.0.1:PORT with
// `RPCServer.run(port:shutdownSignals: [.terminate, .interrupt])`, logging to stdout, and exits 0
// once the server has shut down ("server stopped" is its last line).
import H2RPC
import Glibc
import Logging

struct ChatService: RPCService {
    var methods: [RPCMethod] {
        [
            .bidiStreaming(path: "/signals.Echo/Chat", service: self) {
                (
                    _: ChatService, requests: RequestStream<HealthCheckRequest>,
                    out: ResponseWriter<HealthCheckRequest>, _: ServerContext
                ) in
                for try await request in requests { try await out.send(request) }
            }
        ]
    }
}

guard CommandLine.arguments.count == 2, let port = Int(CommandLine.arguments[1]) else {
    print("usage: signal-server PORT")
    exit(2)
}
var configuration = RPCServer.Configuration()
configuration.logger = Logger(label: "signal-server") { StreamLogHandler.standardOutput(label: $0) }
configuration.shutdownGracePeriod = .seconds(30)
let server = RPCServer(services: [ChatService()], configuration: configuration)
do {
    try await server.run(port: port, shutdownSignals: [.terminate, .interrupt])
    configuration.logger.info("server stopped")
} catch {
    configuration.logger.error("server failed: \(error)")
    exit(1)
}
