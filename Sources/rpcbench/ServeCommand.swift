import ArgumentParser
import Foundation
import RPCBenchCore
import RPCBenchServer

/// `rpcbench serve --proto tcp|h2|grpc --port P`: one protocol's server, until a signal stops it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the server of one protocol (tcp, h2 or grpc) until interrupted.")

    @Option(help: "tcp, h2 or grpc.")
    var proto: String

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).")
    var port: Int = 50051

    @Option(help: "Event-loop threads (default: one per core).")
    var threads: Int?

    @Option(
        help: ArgumentHelp(
            "Microseconds an idle event loop polls before it sleeps (trades idle CPU for latency). Default: off.",
            valueName: "us"))
    var busyPollUs: Int?

    @Flag(
        help: """
            Serve over TLS. Without --tls-cert/--tls-key, with a certificate for localhost, 127.0.0.1 and ::1 \
            from a throwaway CA made with the openssl command; the CA's path is printed for `load --tls --tls-ca`.
            """)
    var tls = false

    @Option(help: "Serve over TLS with this certificate chain (PEM).")
    var tlsCert: String?

    @Option(help: "The private key of --tls-cert (PEM).")
    var tlsKey: String?

    @Flag(help: .hidden)
    var exitWithParent = false

    func run() async throws {
        do throws(BenchError) {
            var arguments = ["--proto", proto, "--host", host, "--port", String(port)]
            if let threads { arguments += ["--threads", String(threads)] }
            if let busyPollUs { arguments += ["--busy-poll-us", String(busyPollUs)] }
            if exitWithParent { arguments.append("--exit-with-parent") }
            if let tlsCert { arguments += ["--tls-cert", tlsCert] }
            if let tlsKey { arguments += ["--tls-key", tlsKey] }
            if tls && tlsCert == nil && tlsKey == nil {
                // Kept until the process ends: the server reads the files at start.
                let certificates = try await BenchCertificates.make()
                Terminal.printError(
                    "rpcbench: TLS with a throwaway CA: trust \(certificates.caCertificate) (load --tls --tls-ca)")
                arguments += [
                    "--tls-cert", certificates.server.certificateChain, "--tls-key", certificates.server.privateKey,
                ]
            }
            // The same parser and server start as the lean `rpcbench-server` that `compare` launches.
            try await ServerCommandLine.parse(arguments).run()
        } catch {
            Terminal.fail(error)
        }
    }
}
