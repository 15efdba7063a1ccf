import H2TLS
import Testing

/// Client-certificate verification none / optional / required, and the peer identity it yields.
@Suite struct MutualTLSTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    func handshake(
        _ verification: TLSClientCertificateVerification, clientCertificate: String?, version: TLSVersion = .v1_3
    ) throws -> Pump {
        let server = try TLSServerContext(pki.serverConfiguration(clients: verification))
        var configuration = TLSClientConfiguration(trustRoots: pki.caRoots)
        if let clientCertificate {
            configuration.certificateChain = pki.pem("\(clientCertificate).crt")
            configuration.privateKey = pki.pem("\(clientCertificate).key")
        }
        configuration.maximumVersion = version
        let client = try TLSClientContext(configuration)
        var pump = Pump(client: try client.makeEngine(serverName: "localhost"), server: try server.makeEngine())
        try pump.handshake()
        return pump
    }

    var roots: TLSPEMSource { pki.pem("ca.crt") }

    @Test func requiredWithATrustedCertificateShowsItsIdentity() throws {
        let pump = try handshake(.required(trustRoots: roots), clientCertificate: "client")
        #expect(pump.serverError == nil)
        #expect(pump.clientError == nil)
        #expect(pump.server.peerCertificate?.subject == "CN=client-1")
        #expect(pump.server.peerCertificate?.alternativeNames == [.uri("spiffe://test.local/client-1")])
    }

    @Test(arguments: [TLSVersion.v1_2, .v1_3])
    func requiredWithoutACertificateIsRefused(version: TLSVersion) throws {
        var pump = try handshake(.required(trustRoots: roots), clientCertificate: nil, version: version)
        #expect(pump.serverError?.kind == .certificateRequired)
        #expect(pump.serverError?.message.contains("peer did not return a certificate") == true)
        if version == .v1_3 {
            // TLS 1.3: the client's handshake completed before the server judged it; the refusal
            // arrives as an alert on its first read.
            #expect(pump.clientError == nil)
            try pump.transfer(fromClient: false)
            let error = #expect(throws: TLSError.self) { try Pump.readAll(pump.client) }
            #expect(error?.kind == .certificateRequired)
            #expect(error?.message.contains("certificate required") == true)
        } else {
            #expect(pump.clientError?.kind == .protocolFailure)
            #expect(pump.clientError?.message.contains("handshake failure") == true)
        }
    }

    @Test func requiredWithAnUntrustedCertificateIsRefused() throws {
        let pump = try handshake(.required(trustRoots: roots), clientCertificate: "client-untrusted")
        #expect(pump.serverError?.kind == .untrustedCertificate)
        #expect(pump.serverError?.message.contains("the client certificate") == true)
    }

    @Test func optionalAcceptsAClientWithoutACertificate() throws {
        let pump = try handshake(.optional(trustRoots: roots), clientCertificate: nil)
        #expect(pump.serverError == nil)
        #expect(pump.server.state == .established)
        #expect(pump.server.peerCertificate == nil)
    }

    @Test func optionalVerifiesACertificateWhenOneIsSent() throws {
        let good = try handshake(.optional(trustRoots: roots), clientCertificate: "client")
        #expect(good.server.peerCertificate?.subject == "CN=client-1")
        let bad = try handshake(.optional(trustRoots: roots), clientCertificate: "client-untrusted")
        #expect(bad.serverError?.kind == .untrustedCertificate)
    }

    @Test func noneNeverAsksForTheCertificate() throws {
        let pump = try handshake(.none, clientCertificate: "client")
        #expect(pump.serverError == nil)
        #expect(pump.server.peerCertificate == nil)
    }
}
