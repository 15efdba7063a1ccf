import ArgumentParser
import EventIO
import H2RPC
import H2RPCReflection
import H2TLS
import InteropProto

/// The interop server, with the flags other gRPC implementations' interop servers take:
/// `interop-server --port P [--use_tls=false]`. Binds 127.0.0.1 unless `--host` says otherwise,
/// serves `grpc.testing.TestService` (and the health service) until SIGTERM or SIGINT, then
/// shuts down gracefully.
@main
struct InteropServer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interop-server", abstract: "gRPC interop test server (grpc.testing.TestService).")

    @Option(name: .customLong("port"), help: "TCP port to listen on (0: any free port).")
    var port: Int = 0

    @Option(name: .customLong("host"), help: "Address to bind.")
    var host = "127.0.0.1"

    @Option(
        name: .customLong("server_id"),
        help: "Returned as server_id to requests that set fill_server_id (default: host:port).")
    var serverID: String?

    @Option(
        name: .customLong("use_tls"),
        help: "true: TLS (with --tls_cert_file and --tls_key_file); false: plaintext HTTP/2.")
    var useTLS = "false"

    @Option(name: .customLong("tls_cert_file"), help: "The server's certificate chain (PEM).")
    var certificateFile: String?

    @Option(name: .customLong("tls_key_file"), help: "The server's private key (PEM).")
    var keyFile: String?

    @Option(
        name: .customLong("tls_client_ca_file"), help: "CA bundle (PEM) client certificates must chain to (mutual TLS)."
    )
    var clientCAFile: String?

    @Flag(
        name: .customLong("require_client_cert"),
        help: "Refuse clients without a certificate from --tls_client_ca_file.")
    var requireClientCertificate = false

    @Option(name: .customLong("unix_socket"), help: "Listen on this Unix-domain socket path instead of a TCP port.")
    var unixSocket: String?

    /// The TLS settings the flags ask for; nil for plaintext.
    func tlsConfiguration() throws -> TLSServerConfiguration? {
        guard ["true", "1", "yes"].contains(useTLS.lowercased()) else {
            guard useTLS.lowercased() == "false" else {
                throw ValidationError("--use_tls takes true or false, not \(useTLS)")
            }
            return nil
        }
        guard let certificateFile, let keyFile else {
            throw ValidationError("--use_tls=true needs --tls_cert_file and --tls_key_file")
        }
        let verification: TLSClientCertificateVerification
        switch (clientCAFile, requireClientCertificate) {
        case (nil, true): throw ValidationError("--require_client_cert needs --tls_client_ca_file")
        case (nil, false): verification = .none
        case (let ca?, true): verification = .required(trustRoots: .file(ca))
        case (let ca?, false): verification = .optional(trustRoots: .file(ca))
        }
        return TLSServerConfiguration(
            certificateChain: .file(certificateFile), privateKey: .file(keyFile),
            clientCertificateVerification: verification)
    }

    func run() async throws {
        var configuration = RPCServer.Configuration()
        configuration.tls = try tlsConfiguration()
        let health = HealthService()
        health.setStatus(.serving, for: Grpc_Testing_TestService.serviceName)
        // The id names the port asked for; with port 0 that is not the bound one, so pass --server_id then.
        let service = TestServiceImplementation(serverID: serverID ?? "\(host):\(port)")
        // Reflection lets grpcurl and grpcio's reflection client discover TestService without its .proto files.
        let reflection = ReflectionService(
            services: [service, health], files: [Grpc_Testing_TestService.fileDescriptor])
        let server = RPCServer(services: [service, health, reflection], configuration: configuration)
        // The first SIGTERM or SIGINT starts a graceful shutdown (the configuration's grace period).
        try server.shutdownOnSignals([.terminate, .interrupt])
        if let unixSocket {
            try await server.start(host: "unix:\(unixSocket)", port: 0)
            print("interop-server listening on unix:\(unixSocket)")
        } else {
            let bound = try await server.start(host: host, port: port)
            print("interop-server listening on \(host):\(bound)")
        }
        await withTaskCancellationHandler {
            await server.waitUntilShutDown()
        } onCancel: {
            Task { await server.shutdown() }
        }
        print("interop-server stopped")
    }
}
