import H2TLS
import TestSupport
import Testing

/// Client and server engines joined in memory: handshake, data both ways, gathering, close.
@Suite struct EngineHandshakeTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    func engines(
        server: TLSServerConfiguration? = nil, client: TLSClientConfiguration? = nil, host: String = "localhost"
    ) throws -> Pump {
        let serverContext = try TLSServerContext(server ?? pki.serverConfiguration())
        let clientContext = try TLSClientContext(client ?? TLSClientConfiguration(trustRoots: pki.caRoots))
        return Pump(client: try clientContext.makeEngine(serverName: host), server: try serverContext.makeEngine())
    }

    @Test(arguments: [TLSVersion.v1_2, .v1_3])
    func handshakeNegotiatesH2AndTheVersion(version: TLSVersion) throws {
        var client = TLSClientConfiguration(trustRoots: pki.caRoots)
        client.maximumVersion = version
        var pump = try engines(client: client)
        try pump.handshake()
        #expect(pump.clientError == nil)
        #expect(pump.serverError == nil)
        #expect(pump.client.state == .established)
        #expect(pump.server.state == .established)
        #expect(pump.client.negotiatedProtocol == "h2")
        #expect(pump.server.negotiatedProtocol == "h2")
        #expect(pump.client.protocolVersion == version)
        #expect(pump.server.protocolVersion == version)
        #expect(pump.server.requestedServerName == "localhost")
        #expect(pump.client.peerCertificate?.subject == "CN=localhost")
        #expect(
            pump.client.peerCertificate?.alternativeNames == [
                .dns("localhost"), .dns("server.test"), .ipAddress("127.0.0.1"),
            ])
        #expect(pump.server.peerCertificate == nil)
        #expect(pump.client.cipherSuite?.isEmpty == false)
    }

    @Test func bytesCrossBothWaysExactly() throws {
        var pump = try engines()
        try pump.handshake()
        let request = patternBytes(200_000, seed: 7)
        let response = patternBytes(70_001, seed: 8)
        pump.client.write(request)
        try pump.transfer(fromClient: true)
        let received = try Pump.readAll(pump.server)
        #expect(received.bytes == request)
        #expect(received.outcome == .needsMoreData)
        #expect(received.deliveries == 4)  // 64 KiB pieces
        pump.server.write(response)
        try pump.transfer(fromClient: false)
        #expect(try Pump.readAll(pump.client).bytes == response)
    }

    @Test func stagedWritesLeaveAsOneBufferOfFewRecords() throws {
        var pump = try engines()
        try pump.handshake()
        let before = pump.clientFlushes
        var sent: [UInt8] = []
        for index in 0..<100 {
            let frame = patternBytes(10, seed: UInt32(index + 1))
            sent += frame
            pump.client.write(frame)
        }
        #expect(pump.client.stagedPlaintextBytes == 1000)
        var ciphertext = 0
        try pump.client.flushOutput {
            ciphertext += $0.count; pump.server.receive($0)
        }
        pump.clientFlushes += 1
        #expect(pump.clientFlushes == before + 1)
        // One TLS record: 5 B header + 1000 B + at most 17 B (1.3 content type + 16 B tag).
        #expect(ciphertext <= 1000 + 22)
        #expect(try Pump.readAll(pump.server).bytes == sent)
    }

    @Test func writesBeforeTheHandshakeWaitForIt() throws {
        var pump = try engines()
        pump.client.write(Array("early".utf8))
        try pump.handshake()
        try pump.transfer(fromClient: true)
        #expect(try Pump.readAll(pump.server).bytes == Array("early".utf8))
    }

    @Test func closeNotifyEndsTheReadCleanlyAndIsAnswered() throws {
        var pump = try engines()
        try pump.handshake()
        pump.client.write(Array("last".utf8))
        pump.client.close()
        #expect(pump.client.state == .closing)
        try pump.transfer(fromClient: true)
        let atServer = try Pump.readAll(pump.server)
        #expect(atServer.bytes == Array("last".utf8))
        #expect(atServer.outcome == .closed)
        #expect(pump.server.state == .closedByPeer)
        try pump.transfer(fromClient: false)  // the server's close_notify
        #expect(try Pump.readAll(pump.client).outcome == .closed)
    }

    @Test func endOfStreamWithoutCloseNotifyIsAnError() throws {
        var pump = try engines()
        try pump.handshake()
        pump.server.receiveEndOfStream()
        #expect {
            _ = try Pump.readAll(pump.server)
        } throws: { error in
            (error as? TLSError)?.kind == .unexpectedEndOfStream
        }
    }

    @Test func plaintextClientOnATLSPortIsNamed() throws {
        let pump = try engines()
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        pump.server.receive(preface.span)
        let error = #expect(throws: TLSError.self) { try pump.server.handshake() }
        #expect(error?.kind == .peerNotTLS)
        #expect(error?.message.contains("plaintext") == true)
        #expect(error?.message.contains("PRI * HTTP/2.0") == true)
    }

    @Test func plaintextServerAnsweringATLSClientIsNamed() throws {
        let pump = try engines()
        _ = try pump.client.handshake()
        // What an h2c server sends first: an empty SETTINGS frame (RFC 9113 §6.5).
        let settings: [UInt8] = [0, 0, 0, 4, 0, 0, 0, 0, 0]
        pump.client.receive(settings.span)
        let error = #expect(throws: TLSError.self) { try pump.client.handshake() }
        #expect(error?.kind == .peerNotTLS)
        #expect(error?.message.contains("not TLS") == true)
    }
}
