import Foundation
import H2TLS

/// Certificates made at test time with the `openssl` command, once per test process, in a fresh
/// temporary directory: a CA, a server certificate for `localhost`, `server.test` and 127.0.0.1,
/// a client certificate from the same CA, and an unrelated CA. The commands run one after another
/// on a thread of their own; tasks wait for them without holding a thread of the task pool.
struct ChannelTestPKI: Sendable {
    let directory: String

    /// Made on first use; every test awaits the same one.
    static let shared = Task { try await ChannelTestPKI.make() }

    func pem(_ name: String) -> TLSPEMSource { .file(directory + "/" + name) }

    /// Serves `server.crt` (with the CA in its chain) and `server.key`.
    func serverConfiguration(clients: TLSClientCertificateVerification = .none) -> TLSServerConfiguration {
        TLSServerConfiguration(
            certificateChain: pem("server-chain.pem"), privateKey: pem("server.key"),
            clientCertificateVerification: clients)
    }

    /// Trusts the test CA, optionally presenting the client certificate and verifying another name.
    func clientConfiguration(withCertificate: Bool = false, serverNameOverride: String? = nil) -> TLSClientConfiguration
    {
        TLSClientConfiguration(
            trustRoots: .pem(pem("ca.crt")), certificateChain: withCertificate ? pem("client.crt") : nil,
            privateKey: withCertificate ? pem("client.key") : nil, serverNameOverride: serverNameOverride)
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    private static func make() async throws -> ChannelTestPKI {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "h2rpc-channel-pki-\(getpid())-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        func p(_ name: String) -> String { dir + "/" + name }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        var commands: [[String]] = []
        for (name, subject) in [("ca", "/CN=h2rpc channel test CA"), ("other-ca", "/CN=Unrelated CA")] {
            commands.append(
                ["req", "-x509"] + ec + [
                    "-keyout", p("\(name).key"), "-out", p("\(name).crt"), "-days", "3650", "-subj", subject,
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ])
        }
        let leaves = [
            (
                "server", "/CN=localhost",
                ["subjectAltName=DNS:localhost,DNS:server.test,IP:127.0.0.1", "extendedKeyUsage=serverAuth"]
            ),
            (
                "client", "/CN=channel-client",
                ["subjectAltName=URI:spiffe://test.local/channel-client", "extendedKeyUsage=clientAuth"]
            ),
        ]
        for (name, subject, extensions) in leaves {
            commands.append(
                ["req", "-new"] + ec + ["-keyout", p("\(name).key"), "-out", p("\(name).csr"), "-subj", subject])
            commands.append(
                [
                    "req", "-x509", "-in", p("\(name).csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"), "-days", "825",
                    "-out", p("\(name).crt"),
                ]
                    + extensions.flatMap { ["-addext", $0] })
        }
        try await runOnOwnThread(commands)
        let chain =
            try String(contentsOfFile: p("server.crt"), encoding: .utf8)
            + String(contentsOfFile: p("ca.crt"), encoding: .utf8)
        try chain.write(toFile: p("server-chain.pem"), atomically: true, encoding: .utf8)
        return ChannelTestPKI(directory: dir)
    }

    /// Runs `openssl` with each argument list in turn on a new thread; fails with the first that fails.
    private static func runOnOwnThread(_ commands: [[String]]) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread.detachNewThread {
                for arguments in commands {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
                    process.arguments = arguments
                    let output = Pipe()
                    process.standardOutput = output
                    process.standardError = output
                    process.standardInput = FileHandle.nullDevice
                    do {
                        try process.run()
                    } catch {
                        continuation.resume(throwing: error)
                        return
                    }
                    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else {
                        continuation.resume(
                            throwing: Failure(description: "openssl \(arguments.joined(separator: " ")): \(text)"))
                        return
                    }
                }
                continuation.resume()
            }
        }
    }
}
