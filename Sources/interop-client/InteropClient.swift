import ArgumentParser
import H2RPC
import Glibc

/// The interop client, with the flags other gRPC implementations' interop clients take:
/// `interop-client --server_host H --server_port P --test_case NAME` (or `all`). Exits 0 only
/// when every selected case passes; prints one line per case, with the reason when it fails.
@main
struct InteropClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "interop-client", abstract: "gRPC interop test client.")

    @Option(name: .customLong("server_host"), help: "Server host name or address.")
    var serverHost = "127.0.0.1"

    @Option(name: .customLong("server_host_override"), help: "Accepted for compatibility; unused without TLS.")
    var serverHostOverride: String?

    @Option(name: .customLong("server_port"), help: "Server port.")
    var serverPort: Int

    @Option(name: .customLong("test_case"), help: "A test case name, or all.")
    var testCase = "all"

    @Option(name: .customLong("use_tls"), help: "Only false is supported (plaintext HTTP/2).")
    var useTLS = "false"

    @Option(name: .customLong("use_test_ca"), help: "Accepted for compatibility; unused without TLS.")
    var useTestCA = "false"

    @Option(
        name: .customLong("additional_metadata"),
        help: "Metadata for every call, as key1:value1;key2:value2 (the first ':' splits key from value).")
    var additionalMetadata = ""

    @Option(
        name: .customLong("skip_compression_probe"),
        help: "true: skip the probe calls that need a server able to see per-message compression (grpcio's Python server cannot).")
    var skipCompressionProbe = "false"

    func run() async throws {
        guard useTLS == "false" else { throw ValidationError("TLS is not supported: pass --use_tls=false") }
        let cases: [(String, InteropCases.Case)]
        if testCase == "all" {
            cases = InteropCases.all
        } else if let found = InteropCases.all.first(where: { $0.0 == testCase }) {
            cases = [found]
        } else {
            throw ValidationError("unknown test case \(testCase); known: \(InteropCases.all.map(\.0).joined(separator: ", "))")
        }
        var configuration = RPCChannel.Configuration()
        let extra = try Self.parseMetadata(additionalMetadata)
        if !extra.isEmpty { configuration.interceptors = [AddMetadata(metadata: extra)] }
        let channel = try RPCChannel(target: "\(serverHost):\(serverPort)", configuration: configuration)
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
