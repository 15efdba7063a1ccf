import EventIO
import Foundation
import H2TLS
import TestSupport
import Testing

/// TLS against the `openssl` command over real sockets: our client engine to `openssl s_server`,
/// `openssl s_client` to our server engine, and a plaintext client on our TLS port.
@Suite struct RealPeerTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    /// Starts `openssl s_server` on an ephemeral loopback port; its "ACCEPT host:port" line is the readiness signal.
    func startServer(_ extra: [String]) async throws -> (OpenSSLPeer, Int) {
        let server = try OpenSSLPeer(
            [
                "s_server", "-accept", "127.0.0.1:0", "-naccept", "1", "-cert", pki.path("server-chain.pem"),
                "-key", pki.path("server.key"),
            ] + extra)
        let ready = await server.output(containing: "ACCEPT")
        let port = try #require(OpenSSLPeer.acceptedPort(ready), "s_server said: \(ready)")
        return (server, port)
    }

    func connectClient(port: Int, loop: EventLoop, recorder: TLSRecorder) async throws -> TLSConnection {
        let context = try TLSClientContext(TLSClientConfiguration(trustRoots: pki.caRoots))
        let tcp = try await TCPConnection.connect(to: .loopback(port: port), on: loop)
        let connection = TLSConnection(tcp: tcp, engine: try context.makeEngine(serverName: "localhost"))
        loop.execute { connection.start(delegate: recorder) }
        return connection
    }

    @Test func ourClientTalksToOpenSSLServer() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let (server, port) = try await startServer(["-alpn", "h2", "-rev"])
        defer { server.stop() }
        let recorder = TLSRecorder(onEstablished: { connection in
            Array("hello h2rpc\n".utf8).withUnsafeBufferPointer { connection.write($0.span) }
        })
        let connection = try await connectClient(port: port, loop: group.loops[0], recorder: recorder)
        let answer = try await withTimeout(20, "reversed line from s_server") {
            await recorder.wait { $0.bytes.count >= 12 || $0.closed }
        }
        #expect(answer.error == nil)
        #expect(answer.negotiatedProtocol == "h2")
        #expect(answer.peerSubject == "CN=localhost")
        #expect(String(decoding: answer.bytes, as: UTF8.self) == "cpr2h olleh\n")
        group.loops[0].execute { connection.close() }
        let closed = try await withTimeout(20, "close") { await recorder.closed() }
        #expect(closed.error == nil)
        let log = try await withTimeout(20, "s_server exit") { await server.outputToEnd() }
        #expect(log.contains("CONNECTION ESTABLISHED"))
    }

    @Test func openSSLServerWithoutALPNIsRefusedByOurClient() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let (server, port) = try await startServer(["-rev"])
        defer { server.stop() }
        let recorder = TLSRecorder()
        _ = try await connectClient(port: port, loop: group.loops[0], recorder: recorder)
        let closed = try await withTimeout(20, "refusal") { await recorder.closed() }
        #expect(closed.established == false)
        guard case .tls(let error)? = closed.error else {
            Issue.record("expected a TLS error, got \(String(describing: closed.error))")
            return
        }
        #expect(error.kind == .noApplicationProtocol)
        #expect(error.message == "TLS handshake with server localhost failed: it selected no ALPN h2 (none)")
    }

    /// Our server on an ephemeral port; each connection answers a line with it in upper case and closes with close_notify.
    func startOurServer(
        _ group: EventLoopGroup, clients: TLSClientCertificateVerification = .none, recorder: TLSRecorder
    ) throws -> TCPListener {
        let context = try TLSServerContext(pki.serverConfiguration(clients: clients))
        return try TCPListener.bind(to: .loopback(port: 0), group: group) { tcp in
            do {
                let connection = TLSConnection(tcp: tcp, engine: try context.makeEngine())
                connection.start(delegate: recorder)
            } catch {
                tcp.close()
            }
        }
    }

    static func pongOnPing(_ connection: TLSConnection, _ bytes: [UInt8]) {
        guard bytes.last == 0x0A else { return }
        Array(String(decoding: bytes, as: UTF8.self).uppercased().utf8).withUnsafeBufferPointer {
            connection.write($0.span)
        }
        connection.close()
    }

    func runClient(port: Int, _ extra: [String]) throws -> OpenSSLPeer {
        let client = try OpenSSLPeer(
            [
                "s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost", "-CAfile", pki.path("ca.crt"),
                "-verify_hostname", "localhost", "-verify_return_error", "-ign_eof",
            ] + extra)
        client.send("ping\n")
        client.closeInput()
        return client
    }

    @Test func openSSLClientTalksToOurServer() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let recorder = TLSRecorder(onRead: Self.pongOnPing)
        let listener = try startOurServer(group, recorder: recorder)
        let client = try runClient(port: listener.localAddress.port, ["-alpn", "h2"])
        defer { client.stop() }
        let output = try await withTimeout(20, "s_client exit") { await client.outputToEnd() }
        #expect(output.contains("ALPN protocol: h2"))
        #expect(output.contains("Verify return code: 0 (ok)"))
        #expect(output.contains("PING\n"))  // s_client interleaves its stderr; "PING" cannot occur in its hex
        let server = try await withTimeout(20, "server close") { await recorder.closed() }
        #expect(server.bytes == Array("ping\n".utf8))
        #expect(server.error == nil)
        await listener.close()
    }

    @Test func openSSLClientWithMutualTLSShowsItsIdentityToOurServer() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let recorder = TLSRecorder(onRead: Self.pongOnPing)
        let listener = try startOurServer(group, clients: .required(trustRoots: pki.pem("ca.crt")), recorder: recorder)
        let client = try runClient(
            port: listener.localAddress.port,
            ["-alpn", "h2", "-cert", pki.path("client.crt"), "-key", pki.path("client.key")])
        defer { client.stop() }
        let output = try await withTimeout(20, "s_client exit") { await client.outputToEnd() }
        #expect(output.contains("PING\n"))  // s_client interleaves its stderr; "PING" cannot occur in its hex
        let server = try await withTimeout(20, "server close") { await recorder.closed() }
        #expect(server.peerSubject == "CN=client-1")
        await listener.close()
    }

    @Test func openSSLClientOfferingHTTP1IsRefusedByOurServer() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let recorder = TLSRecorder(onRead: Self.pongOnPing)
        let listener = try startOurServer(group, recorder: recorder)
        let client = try runClient(port: listener.localAddress.port, ["-alpn", "http/1.1"])
        defer { client.stop() }
        let output = try await withTimeout(20, "s_client exit") { await client.outputToEnd() }
        #expect(output.contains("no application protocol"))
        let server = try await withTimeout(20, "server close") { await recorder.closed() }
        guard case .tls(let error)? = server.error else {
            Issue.record("expected a TLS error, got \(String(describing: server.error))")
            return
        }
        #expect(error.kind == .noApplicationProtocol)
        #expect(error.message.hasPrefix("TLS handshake with client failed: it offered ALPN http/1.1, not h2"))
        await listener.close()
    }

    @Test func plaintextHTTP2ClientOnOurTLSPortIsNamedAndLeavesNoSocket() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let recorder = TLSRecorder()
        let listener = try startOurServer(group, recorder: recorder)
        let port = listener.localAddress.port
        let tcp = try await TCPConnection.connect(to: .loopback(port: port), on: group.loops[0])
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        group.loops[0].execute {
            tcp.start(delegate: Discard())
            tcp.write(preface)
        }
        let server = try await withTimeout(20, "server close") { await recorder.closed() }
        guard case .tls(let error)? = server.error else {
            Issue.record("expected a TLS error, got \(String(describing: server.error))")
            return
        }
        #expect(error.kind == .peerNotTLS)
        #expect(error.message == "TLS handshake with client failed: it sent plaintext, not TLS (\"PRI * HTTP/2.0\")")
        await group.loops[0].submit { tcp.close() }
        await listener.close()
        // The server closed its side when it refused; with the client and the listener closed, this
        // process holds no socket on the port.
        #expect(openSockets(onPort: port) == 0)
    }
}

/// Ignores what arrives.
final class Discard: TCPConnectionDelegate {
    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {}
    func connectionClosed(_ connection: TCPConnection, error: IOError?) {}
}
