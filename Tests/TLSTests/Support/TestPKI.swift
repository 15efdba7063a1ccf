import Foundation
import H2TLS
import TestSupport

/// Certificates made at test time with the `openssl` command, once per test process, in a fresh
/// temporary directory: a CA, server certificates (good, expired, for another name, from another
/// CA, a second one for reload), client certificates (trusted and from another CA).
struct TestPKI: Sendable {
    let directory: String

    /// The one making of the PKI that every suite awaits: the first caller starts it, in a task of its
    /// own (not cancelled with the caller), and the `openssl` runs never block a thread of the pool.
    private static let making = Locked<Task<TestPKI, any Error>?>(nil)

    static func shared() async throws -> TestPKI {
        let task = making.withLock { task in
            if let task { return task }
            let made = Task { try await TestPKI.make() }
            task = made
            return made
        }
        return try await task.value
    }

    func path(_ name: String) -> String { directory + "/" + name }
    func pem(_ name: String) -> TLSPEMSource { .file(path(name)) }

    /// Trusts the test CA.
    var caRoots: TLSClientConfiguration.TrustRoots { .pem(pem("ca.crt")) }

    func serverConfiguration(
        certificate: String = "server-chain.pem", key: String = "server.key",
        clients: TLSClientCertificateVerification = .none
    ) -> TLSServerConfiguration {
        TLSServerConfiguration(
            certificateChain: pem(certificate), privateKey: pem(key), clientCertificateVerification: clients)
    }

    private static func make() async throws -> TestPKI {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
            "h2tls-pki-\(getpid())-\(UUID().uuidString)"
        ).path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let pki = TestPKI(directory: dir)
        func p(_ name: String) -> String { pki.path(name) }
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"]
        func ca(_ name: String, _ subject: String) async throws {
            try await OpenSSLCommand.run(
                ["req", "-x509"] + ec + [
                    "-keyout", p("\(name).key"), "-out", p("\(name).crt"), "-days", "3650", "-subj", subject,
                    "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
                ])
        }
        func leaf(_ name: String, key: String? = nil, subject: String, ca: String, extensions: [String]) async throws {
            let keyArguments = key.map { ["-key", p($0)] } ?? (ec + ["-keyout", p("\(name).key")])
            try await OpenSSLCommand.run(
                ["req", "-new"] + keyArguments + ["-out", p("\(name).csr"), "-subj", subject])
            try await OpenSSLCommand.run(
                [
                    "req", "-x509", "-in", p("\(name).csr"), "-CA", p("\(ca).crt"), "-CAkey", p("\(ca).key"),
                    "-days", "825", "-out", p("\(name).crt"),
                ] + extensions.flatMap { ["-addext", $0] })
        }
        let serverSAN = "subjectAltName=DNS:localhost,DNS:server.test,IP:127.0.0.1"
        try await ca("ca", "/CN=h2rpc Test Root CA")
        try await ca("other-ca", "/CN=Unrelated Root CA")
        try await leaf(
            "server", subject: "/CN=localhost", ca: "ca", extensions: [serverSAN, "extendedKeyUsage=serverAuth"])
        try await leaf(
            "server2", subject: "/CN=server-2", ca: "ca", extensions: [serverSAN, "extendedKeyUsage=serverAuth"])
        try await leaf(
            "wrong-name", subject: "/CN=other.test", ca: "ca",
            extensions: ["subjectAltName=DNS:other.test", "extendedKeyUsage=serverAuth"])
        try await leaf(
            "untrusted", subject: "/CN=localhost", ca: "other-ca",
            extensions: [serverSAN, "extendedKeyUsage=serverAuth"])
        let clientExtensions = ["subjectAltName=URI:spiffe://test.local/client-1", "extendedKeyUsage=clientAuth"]
        try await leaf("client", subject: "/CN=client-1", ca: "ca", extensions: clientExtensions)
        try await leaf("client-untrusted", subject: "/CN=client-1", ca: "other-ca", extensions: clientExtensions)
        for name in ["server", "server2", "wrong-name", "untrusted"] {
            try
                (String(contentsOfFile: p("\(name).crt"), encoding: .utf8)
                + String(contentsOfFile: p("ca.crt"), encoding: .utf8))
                .write(toFile: p("\(name)-chain.pem"), atomically: true, encoding: .utf8)
        }
        // Expired: `openssl ca` is the one command of OpenSSL 3.0 that takes explicit dates.
        try FileManager.default.createDirectory(atPath: p("issued"), withIntermediateDirectories: true)
        try "".write(toFile: p("index.txt"), atomically: true, encoding: .utf8)
        try "1000\n".write(toFile: p("serial"), atomically: true, encoding: .utf8)
        try """
        [ ca ]
        default_ca = test
        [ test ]
        database = \(p("index.txt"))
        serial = \(p("serial"))
        new_certs_dir = \(p("issued"))
        certificate = \(p("ca.crt"))
        private_key = \(p("ca.key"))
        default_md = sha256
        policy = any
        [ any ]
        commonName = supplied
        [ ext ]
        subjectAltName = DNS:localhost,DNS:server.test,IP:127.0.0.1
        extendedKeyUsage = serverAuth

        """.write(toFile: p("ca.cnf"), atomically: true, encoding: .utf8)
        try await OpenSSLCommand.run([
            "ca", "-batch", "-config", p("ca.cnf"), "-extensions", "ext", "-in", p("server.csr"), "-out",
            p("expired.crt"),
            "-startdate", "20200101000000Z", "-enddate", "20210101000000Z",
        ])
        return pki
    }
}

/// Runs the `openssl` command to completion.
enum OpenSSLCommand {
    static let path =
        ["/usr/bin/openssl", "/usr/local/bin/openssl"].first { FileManager.default.isExecutableFile(atPath: $0) }
        ?? "/usr/bin/openssl"

    static func run(_ arguments: [String]) async throws {
        let outcome = try await runProcess(path, arguments, mergeStderr: true)
        guard outcome.status == 0 else { throw CommandFailure(command: ["openssl"] + arguments, outcome: outcome) }
    }
}
