import ArgumentParser
import Dispatch
import EventIO
import H2RPC
import H2RPCReflection
import InteropProto
import Glibc

/// The interop server, with the flags other gRPC implementations' interop servers take:
/// `interop-server --port P [--use_tls=false]`. Binds 127.0.0.1 unless `--host` says otherwise,
/// serves `grpc.testing.TestService` (and the health service) until SIGTERM or SIGINT, then
/// shuts down gracefully.
@main
struct InteropServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interop-server", abstract: "gRPC interop test server (grpc.testing.TestService).")

    @Option(name: .customLong("port"), help: "TCP port to listen on (0: any free port).")
    var port: Int

    @Option(name: .customLong("host"), help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(name: .customLong("server_id"), help: "Returned as server_id to requests that set fill_server_id (default: host:port).")
    var serverID: String?

    @Option(name: .customLong("use_tls"), help: "Only false is supported (plaintext HTTP/2).")
    var useTLS = "false"

    func run() async throws {
        guard useTLS == "false" else { throw ValidationError("TLS is not supported: pass --use_tls=false") }
        let health = HealthService()
        health.setStatus(.serving, for: Grpc_Testing_TestService.serviceName)
        // The id names the port asked for; with port 0 that is not the bound one, so pass --server_id then.
        let service = TestServiceImplementation(serverID: serverID ?? "\(host):\(port)")
        // Reflection lets grpcurl and grpcio's reflection client discover TestService without its .proto files.
        let reflection = ReflectionService(services: [service], files: [Grpc_Testing_TestService.fileDescriptor])
        let server = RPCServer(services: [service, health, reflection])
        let bound = try await server.start(host: host, port: port)
        print("interop-server listening on \(host):\(bound)")
        await waitForTermination()
        print("interop-server shutting down")
        await server.shutdown(gracePeriod: .seconds(5))
    }

    /// Returns on SIGTERM or SIGINT.
    private func waitForTermination() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        let queue = DispatchQueue(label: "interop-server.signals")
        let terminated = Promise<Void>()
        for sig in [SIGTERM, SIGINT] {
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { terminated.complete(()) }
            source.resume()
            Sources.keep.append(source)
        }
        // Cancellation also ends the wait (then the server shuts down as for a signal).
        try? await terminated.wait()
    }
}

/// Keeps the signal sources alive for the life of the process.
private enum Sources {
    nonisolated(unsafe) static var keep: [any DispatchSourceSignal] = []
}
