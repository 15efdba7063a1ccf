import EventIO
import Glibc
import H2TLS
import Testing
@testable import H2RPC

/// `RPCChannel` with `transportSecurity: .tls(...)` against a real TLS `RPCServer` (certificates
/// made now with the openssl command): plain TLS, mutual TLS, name override, Unix sockets, and
/// each refusal ending the call with UNAVAILABLE that names OpenSSL's reason.
@Suite struct ChannelTLSTests {
    typealias Named = ChannelLoopbackTests.Named

    static func tlsServer(
        _ pki: ChannelTestPKI, clients: TLSClientCertificateVerification = .none, host: String = "127.0.0.1"
    ) async throws -> (RPCServer, Int) {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.tls = pki.serverConfiguration(clients: clients)
        let server = RPCServer(services: [ChannelLoopbackTests.NameService(name: "tls")], configuration: config)
        let port = try await server.start(host: host, port: 0)
        return (server, port)
    }

    static func channel(_ target: String, _ tls: TLSClientConfiguration) throws -> RPCChannel {
        var config = RPCChannel.Configuration()
        config.transportSecurity = .tls(tls)
        return try RPCChannel(target: target, configuration: config)
    }

    static func call(_ channel: RPCChannel) async throws -> EchoMessage {
        try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(text: "", number: 3), as: EchoMessage.self)
    }

    @Test func callsGoOverTLSVerifiedForTheTargetsHostName() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let (server, port) = try await Self.tlsServer(pki)
        for target in ["localhost:\(port)", "dns:///localhost:\(port)", "ipv4:127.0.0.1:\(port)"] {
            let channel = try Self.channel(target, pki.clientConfiguration())
            #expect(try await Self.call(channel) == EchoMessage(text: "tls", number: 3), "\(target)")
            await channel.close()
        }
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func theServerNameOverrideIsWhatIsVerified() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let (server, port) = try await Self.tlsServer(pki)
        let good = try Self.channel("127.0.0.1:\(port)", pki.clientConfiguration(serverNameOverride: "server.test"))
        #expect(try await Self.call(good).text == "tls")
        let wrong = try Self.channel("127.0.0.1:\(port)", pki.clientConfiguration(serverNameOverride: "elsewhere.test"))
        let error = await expectStatus(.unavailable) { _ = try await Self.call(wrong) }
        #expect(error?.message.contains("mismatch") == true, "\(String(describing: error))")
        await good.close()
        await wrong.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func mutualTLSWithAClientCertificateWorksAndWithoutOneIsRefused() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let (server, port) = try await Self.tlsServer(pki, clients: .required(trustRoots: pki.pem("ca.crt")))
        let with = try Self.channel("localhost:\(port)", pki.clientConfiguration(withCertificate: true))
        #expect(try await Self.call(with).text == "tls")
        let without = try Self.channel("localhost:\(port)", pki.clientConfiguration())
        let error = await expectStatus(.unavailable) { _ = try await Self.call(without) }
        #expect(
            error?.message.contains("TLS connection to 127.0.0.1:\(port) failed") == true,
            "\(String(describing: error))")
        // The server keeps serving the client that has a certificate.
        #expect(try await Self.call(with).text == "tls")
        await with.close()
        await without.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aServerFromAnotherCAIsRefusedWithOpenSSLsReason() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let (server, port) = try await Self.tlsServer(pki)
        let channel = try Self.channel(
            "localhost:\(port)", TLSClientConfiguration(trustRoots: .pem(pki.pem("other-ca.crt"))))
        let error = await expectStatus(.unavailable) { _ = try await Self.call(channel) }
        #expect(error?.message.contains("certificate verify failed") == true, "\(String(describing: error))")
        #expect(channel.connectivityState == .transientFailure)
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func aPlaintextChannelToATLSServerFailsWithUnavailable() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let (server, port) = try await Self.tlsServer(pki)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        await expectStatus(.unavailable) { _ = try await Self.call(channel) }
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    @Test func tlsOverAUnixSocketVerifiesLocalhost() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let directory = try ChannelLoopbackTests.makeTemporaryDirectory()
        let path = directory + "/tls.sock"
        let (server, _) = try await Self.tlsServer(pki, host: "unix:\(path)")
        let channel = try Self.channel("unix://\(path)", pki.clientConfiguration())
        #expect(try await Self.call(channel).text == "tls")
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
        rmdir(directory)
    }

    @Test func aTLSSettingThatCannotBeLoadedIsInvalidArgumentNamingTheFile() throws {
        var config = RPCChannel.Configuration()
        config.transportSecurity = .tls(TLSClientConfiguration(trustRoots: .pem(.file("/nonexistent/ca.pem"))))
        do {
            _ = try RPCChannel(target: "localhost:1", configuration: config)
            Issue.record("a missing CA file was accepted")
        } catch {
            #expect(error.code == .invalidArgument)
            #expect(error.message.contains("/nonexistent/ca.pem"), "\(error)")
        }
    }
}
