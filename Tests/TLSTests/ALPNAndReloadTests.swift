@testable import H2TLS
import Testing

/// Servers require ALPN h2; certificates reload without a restart.
@Suite struct ALPNAndReloadTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    func handshake(offering alpn: [String]) throws -> Pump {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(TLSClientConfiguration(trustRoots: pki.caRoots), offering: alpn)
        var pump = Pump(client: try client.makeEngine(serverName: "localhost"), server: try server.makeEngine())
        try pump.handshake()
        return pump
    }

    @Test func clientWithoutALPNIsRefusedWithAnAlert() throws {
        let pump = try handshake(offering: [])
        #expect(pump.serverError?.kind == .noApplicationProtocol)
        #expect(pump.serverError?.message.contains("it offered no ALPN, not h2") == true)
        #expect(pump.clientError?.kind == .noApplicationProtocol)
        #expect(pump.clientError?.message.contains("no application protocol") == true)
    }

    @Test func clientOfferingOnlyHTTP1IsRefused() throws {
        let pump = try handshake(offering: ["http/1.1", "spdy/3"])
        #expect(pump.serverError?.kind == .noApplicationProtocol)
        #expect(pump.serverError?.message.contains("it offered ALPN http/1.1, spdy/3, not h2") == true)
        #expect(pump.clientError?.kind == .noApplicationProtocol)
    }

    @Test func h2AmongOthersIsSelected() throws {
        let pump = try handshake(offering: ["http/1.1", "h2"])
        #expect(pump.server.negotiatedProtocol == "h2")
        #expect(pump.client.state == .established)
    }

    @Test func reloadServesTheNewCertificateToNewConnectionsOnly() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let client = try TLSClientContext(TLSClientConfiguration(trustRoots: pki.caRoots))
        let before = try server.makeEngine()
        try server.reload(pki.serverConfiguration(certificate: "server2-chain.pem", key: "server2.key"))
        let after = try server.makeEngine()
        var old = Pump(client: try client.makeEngine(serverName: "localhost"), server: before)
        try old.handshake()
        var new = Pump(client: try client.makeEngine(serverName: "localhost"), server: after)
        try new.handshake()
        #expect(old.client.peerCertificate?.subject == "CN=localhost")
        #expect(new.client.peerCertificate?.subject == "CN=server-2")
        #expect(server.configuration.privateKey == pki.pem("server2.key"))
    }

    @Test func failedReloadKeepsTheCurrentCertificate() throws {
        let server = try TLSServerContext(pki.serverConfiguration())
        let error = #expect(throws: TLSError.self) {
            try server.reload(pki.serverConfiguration(certificate: "server2-chain.pem", key: "server.key"))
        }
        #expect(error?.kind == .configuration)
        let client = try TLSClientContext(TLSClientConfiguration(trustRoots: pki.caRoots))
        var pump = Pump(client: try client.makeEngine(serverName: "localhost"), server: try server.makeEngine())
        try pump.handshake()
        #expect(pump.client.peerCertificate?.subject == "CN=localhost")
    }
}
