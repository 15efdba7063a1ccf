import EventIO
import Glibc
import H2
import H2TLS
import TestSupport
import Testing

/// HTTP/2 over `TLSByteStream` and over Unix sockets, with our own server and client.
@Suite struct H2OverTLSTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    /// Echoes the request body.
    static let echo: H2Server.Handler = { request, response in
        response.sendHeaders([(":status", "200")])
        for try await chunk in request.body { try await response.write(chunk) }
        response.finish()
    }

    func tlsServer(_ group: EventLoopGroup) throws -> H2Server {
        let context = try TLSServerContext(pki.serverConfiguration())
        return try H2Server.start(
            port: 0, group: group, transport: { tcp in try? TLSByteStream(accepted: tcp, context: context) },
            handler: Self.echo)
    }

    func tlsClient(port: Int, serverName: String, group: EventLoopGroup) async throws -> H2Client {
        let context = try TLSClientContext(TLSClientConfiguration(trustRoots: pki.caRoots))
        return try await H2Client.connect(
            to: .loopback(port: port), authority: "\(serverName):\(port)", scheme: "https", group: group,
            transport: { tcp in try? TLSByteStream(connected: tcp, serverName: serverName, context: context) })
    }

    @Test func echoesOverTLSByteExact() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let server = try tlsServer(group)
        let port = server.localAddress.port
        let client = try await tlsClient(port: port, serverName: "localhost", group: group)
        let body = patternBytes(1 << 20, seed: 11)
        let response = try await withTimeout(30, "1 MiB echo over TLS") {
            try await client.request(method: "POST", path: "/echo", body: body)
        }
        #expect(response.status == 200)
        #expect(response.body == body)
        await client.close()
        await server.shutdown()
    }

    @Test func wrongHostNameFailsTheRequestAndTheStreamNamesTheReason() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let server = try tlsServer(group)
        let port = server.localAddress.port
        let context = try TLSClientContext(TLSClientConfiguration(trustRoots: pki.caRoots))
        let made = Locked<TLSByteStream?>(nil)
        let client = try await H2Client.connect(
            to: .loopback(port: port), authority: "elsewhere.test:\(port)", scheme: "https", group: group,
            transport: { tcp in
                let stream = try? TLSByteStream(connected: tcp, serverName: "elsewhere.test", context: context)
                made.withLock { $0 = stream }
                return stream
            })
        await #expect(throws: H2Error.self) {
            _ = try await withTimeout(30, "refused request") { try await client.request(path: "/echo") }
        }
        let stream = try #require(made.value)
        let failure = await stream.loop.submit { stream.failure }
        guard case .tls(let error)? = failure else {
            Issue.record("expected a TLS failure, got \(String(describing: failure))")
            return
        }
        #expect(error.kind == .hostnameMismatch)
        #expect(error.message.contains("hostname mismatch"))
        await server.shutdown()
    }

    @Test func echoesOverAUnixSocket() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        var template = Array("/tmp/h2-unix-XXXXXX".utf8CString)
        let directory = String(cString: try #require(mkdtemp(&template)))
        let path = directory + "/h2.sock"
        let server = try H2Server.start(host: "unix:\(path)", port: 0, group: group, handler: Self.echo)
        #expect(server.localAddress.unixPath == path)
        let client = try await H2Client.connect(to: SocketAddress(unixPath: path), authority: "localhost", group: group)
        let body = patternBytes(300_000, seed: 12)
        let response = try await withTimeout(30, "echo over a Unix socket") {
            try await client.request(method: "POST", path: "/echo", body: body)
        }
        #expect(response.body == body)
        await client.close()
        await server.shutdown()
    }
}
