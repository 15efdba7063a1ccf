import ArgumentParser
import H2RPC
import H2TLS
import Glibc

/// The interop client, with the flags other gRPC implementations' interop clients take:
/// `interop-client --server_host H --server_port P --test_case NAME` (or `all`), over TLS with
/// `--use_tls true --ca_file CA --server_host_override NAME` (plus `--tls_cert_file F
/// --tls_key_file K` for mutual TLS), or to any gRPC target with `--target unix:PATH`. Exits 0
/// only when every selected case passes; prints one line per case, with the reason when it fails.
@main
struct InteropClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interop-client", abstract: "gRPC interop test client.")

    @Option(name: .customLong("server_host"), help: "Server host name or address.")
    var serverHost = "127.0.0.1"

    @Option(
        name: .customLong("server_host_override"),
        help: "With TLS: the name sent as SNI and verified in the server's certificate.")
    var serverHostOverride: String?

    @Option(name: .customLong("server_port"), help: "Server port (not needed with --target).")
    var serverPort: Int?

    @Option(
        name: .customLong("target"),
        help: "A gRPC target (unix:PATH, dns:///host:port, ipv4:a:p,...); overrides host and port.")
    var target: String?

    @Option(name: .customLong("test_case"), help: "A test case name, or all.")
    var testCase = "all"

    @Option(name: .customLong("use_tls"), help: "true: TLS with ALPN h2; false: plaintext HTTP/2.")
    var useTLS = "false"

    @Option(name: .customLong("use_test_ca"), help: "true: trust the test CA, given with --ca_file (none is bundled).")
    var useTestCA = "false"

    @Option(name: .customLong("ca_file"), help: "With TLS: PEM roots to trust instead of the system's.")
    var caFile: String?

    @Option(name: .customLong("tls_cert_file"), help: "With TLS: a client certificate chain (PEM), for mutual TLS.")
    var tlsCertFile: String?

    @Option(name: .customLong("tls_key_file"), help: "With TLS: the client certificate's private key (PEM).")
    var tlsKeyFile: String?

    @Option(
        name: .customLong("additional_metadata"),
        help: "Metadata for every call, as key1:value1;key2:value2 (the first ':' splits key from value).")
    var additionalMetadata = ""

    @Option(
        name: .customLong("skip_compression_probe"),
        help:
            "true: skip the probe calls that need a server able to see per-message compression (grpcio's Python server cannot)."
    )
    var skipCompressionProbe = "false"

    func run() async throws {
        let cases: [(String, InteropCases.Case)]
        if testCase == "all" {
            cases = InteropCases.all
        } else if let found = InteropCases.all.first(where: { $0.0 == testCase }) {
            cases = [found]
        } else {
            throw ValidationError(
                "unknown test case \(testCase); known: \(InteropCases.all.map(\.0).joined(separator: ", "))")
        }
        var configuration = RPCChannel.Configuration()
        let extra = try Self.parseMetadata(additionalMetadata)
        if !extra.isEmpty { configuration.interceptors = [AddMetadata(metadata: extra)] }
        configuration.transportSecurity = try transportSecurity()
        let channel = try RPCChannel(target: try channelTarget(), configuration: configuration)
        let runner = InteropCases(channel: channel, probeCompression: skipCompressionProbe != "true")
        var failures = 0
        for (name, body) in cases {
            do {
                try await body(runner)
                print("PASS \(name)")
            } catch {
                failures += 1
                print("FAIL \(name): \(error)")
            }
        }
        await channel.close()
        if failures > 0 { throw ExitCode(1) }
    }

    /// `--target`, else `--server_host` and `--server_port`.
    func channelTarget() throws -> String {
        if let target { return target }
        guard let serverPort else { throw ValidationError("give --server_port, or --target") }
        return serverHost.contains(":") && !serverHost.hasPrefix("[")
            ? "[\(serverHost)]:\(serverPort)" : "\(serverHost):\(serverPort)"
    }

    /// Plaintext, or TLS from `--use_tls`, `--use_test_ca`, `--ca_file`, `--server_host_override`
    /// and the client certificate flags.
    func transportSecurity() throws -> RPCChannel.TransportSecurity {
        guard try Self.flag(useTLS, "use_tls") else {
            for (name, value) in [("ca_file", caFile), ("tls_cert_file", tlsCertFile), ("tls_key_file", tlsKeyFile)]
            where value != nil {
                throw ValidationError("--\(name) needs --use_tls true")
            }
            return .plaintext
        }
        if try Self.flag(useTestCA, "use_test_ca"), caFile == nil {
            throw ValidationError("--use_test_ca: no test CA is bundled; give it with --ca_file")
        }
        guard (tlsCertFile == nil) == (tlsKeyFile == nil) else {
            throw ValidationError("--tls_cert_file and --tls_key_file go together")
        }
        return .tls(
            TLSClientConfiguration(
                trustRoots: caFile.map { .pem(.file($0)) } ?? .system, certificateChain: tlsCertFile.map { .file($0) },
                privateKey: tlsKeyFile.map { .file($0) }, serverNameOverride: serverHostOverride))
    }

    /// `true` or `false`, as other interop clients spell their boolean flags.
    static func flag(_ text: String, _ name: String) throws -> Bool {
        switch text.lowercased() {
        case "true", "1": return true
        case "false", "0", "": return false
        default: throw ValidationError("--\(name) takes true or false, not \"\(text)\"")
        }
    }

    /// `k1:v1;k2:v2` → metadata (ASCII keys, no `-bin`, as the interop spec says).
    static func parseMetadata(_ text: String) throws -> [(String, String)] {
        var pairs: [(String, String)] = []
        for item in text.split(separator: ";") where !item.isEmpty {
            guard let colon = item.firstIndex(of: ":") else {
                throw ValidationError("--additional_metadata entry \"\(item)\" has no ':'")
            }
            pairs.append((String(item[..<colon]), String(item[item.index(after: colon)...])))
        }
        return pairs
    }
}

/// Adds the `--additional_metadata` pairs to every call.
struct AddMetadata: ClientInterceptor {
    let metadata: [(String, String)]

    func prepare(path: String, options: inout CallOptions) throws(RPCError) {
        for (key, value) in metadata { options.metadata.add(key, value) }
    }
}
