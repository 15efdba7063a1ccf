import H2TLS
import Testing

/// Each bad-certificate and bad-key case ends the handshake with its own kind and a one-line message.
@Suite struct CertificateErrorTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    func handshake(
        serverCertificate: String = "server-chain.pem", serverKey: String = "server.key",
        client: TLSClientConfiguration? = nil, host: String = "localhost"
    ) throws -> Pump {
        let server = try TLSServerContext(pki.serverConfiguration(certificate: serverCertificate, key: serverKey))
        let clientContext = try TLSClientContext(client ?? TLSClientConfiguration(trustRoots: pki.caRoots))
        var pump = Pump(client: try clientContext.makeEngine(serverName: host), server: try server.makeEngine())
        try pump.handshake()
        return pump
    }

    @Test func expiredServerCertificate() throws {
        let pump = try handshake(serverCertificate: "expired.crt")
        #expect(pump.clientError?.kind == .certificateExpired)
        #expect(pump.clientError?.message.contains("certificate has expired") == true)
        #expect(pump.clientError?.message.contains("OpenSSL: certificate verify failed") == true)
        // The client's alert tells the server why.
        #expect(pump.serverError?.kind == .certificateRejectedByPeer)
        #expect(pump.serverError?.message.contains("certificate expired") == true)
    }

    @Test func serverCertificateForAnotherName() throws {
        let pump = try handshake(serverCertificate: "wrong-name-chain.pem", serverKey: "wrong-name.key")
        #expect(pump.clientError?.kind == .hostnameMismatch)
        #expect(pump.clientError?.message.contains("hostname mismatch") == true)
        #expect(pump.client.state == .failed)
    }

    @Test func hostNameTheCertificateDoesNotCarry() throws {
        let pump = try handshake(host: "elsewhere.test")
        #expect(pump.clientError?.kind == .hostnameMismatch)
    }

    @Test func serverNameOverrideVerifiesTheOverride() throws {
        // Connected to an address the certificate lacks, verified as a name it has.
        var client = TLSClientConfiguration(trustRoots: pki.caRoots, serverNameOverride: "server.test")
        let pump = try handshake(client: client, host: "10.0.0.9")
        #expect(pump.clientError == nil)
        #expect(pump.server.requestedServerName == "server.test")
        client.serverNameOverride = "other.test"
        #expect(try handshake(client: client).clientError?.kind == .hostnameMismatch)
    }

    @Test func ipAddressesAreVerifiedAgainstIPSANsWithoutSNI() throws {
        let good = try handshake(host: "127.0.0.1")
        #expect(good.clientError == nil)
        #expect(good.server.requestedServerName == nil)
        let wrong = try handshake(host: "127.0.0.2")
        #expect(wrong.clientError?.kind == .hostnameMismatch)
        #expect(wrong.clientError?.message.contains("IP address mismatch") == true)
    }

    @Test func serverCertificateFromAnUntrustedCA() throws {
        let pump = try handshake(serverCertificate: "untrusted-chain.pem", serverKey: "untrusted.key")
        #expect(pump.clientError?.kind == .untrustedCertificate)
        #expect(pump.clientError?.message.contains("X509 error") == true)
        #expect(pump.serverError?.kind == .certificateRejectedByPeer)
    }

    @Test func systemTrustRootsDoNotTrustTheTestCA() throws {
        let pump = try handshake(client: TLSClientConfiguration())
        #expect(pump.clientError?.kind == .untrustedCertificate)
    }

    @Test func missingCertificateFileNamesThePath() throws {
        let missing = pki.path("does-not-exist.pem")
        let error = #expect(throws: TLSError.self) {
            try TLSServerContext(pki.serverConfiguration(certificate: "does-not-exist.pem"))
        }
        #expect(error?.kind == .configuration)
        #expect(error?.message == "cannot read certificate chain \(missing): No such file or directory")
    }

    @Test func missingKeyFileNamesThePath() throws {
        let error = #expect(throws: TLSError.self) { try TLSServerContext(pki.serverConfiguration(key: "nope.key")) }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains(pki.path("nope.key")) == true)
    }

    @Test func keyOfAnotherCertificateIsAMismatch() throws {
        let error = #expect(throws: TLSError.self) { try TLSServerContext(pki.serverConfiguration(key: "client.key")) }
        #expect(error?.kind == .configuration)
        #expect(error?.message.contains("does not match certificate") == true)
        #expect(error?.message.contains("key values mismatch") == true)
    }

    @Test func pemBytesWithoutACertificateAreRefused() throws {
        let configuration = TLSServerConfiguration(
            certificateChain: .string("not a certificate"), privateKey: pki.pem("server.key"))
        let error = #expect(throws: TLSError.self) { try TLSServerContext(configuration) }
        #expect(error?.message == "certificate chain PEM bytes (17 B) holds no PEM certificate")
    }

    @Test func clientCertificateWithoutKeyIsRefused() throws {
        let configuration = TLSClientConfiguration(trustRoots: pki.caRoots, certificateChain: pki.pem("client.crt"))
        let error = #expect(throws: TLSError.self) { try TLSClientContext(configuration) }
        #expect(error?.kind == .configuration)
    }
}
