import EventIO
import H2TLS
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// `--tls`: every protocol over TLS on real loopback sockets, with a certificate the
/// `openssl` command made for this test. The driver checks every echo byte for byte, so a figure
/// only exists when the bytes crossed TLS intact.
@Suite struct TLSProtocolTests {
    /// Runs `id` against `kind`'s server over TLS, the client trusting `trust` (default: the test CA).
    func measure(
        _ kind: BenchProtocolKind, _ id: String, certificates: BenchCertificates,
        trust: TLSClientConfiguration.TrustRoots? = nil
    ) async throws -> BenchResult {
        let server = try await BenchServers.start(
            kind, host: "127.0.0.1", port: 0, threads: 1, tls: certificates.server)
        let settings = ProtocolSettings(
            threads: 1, tls: TLSClientConfiguration(trustRoots: trust ?? .pem(.file(certificates.caCertificate))))
        let client = try ProtocolRegistry.client(kind, settings: settings)
        let runner = ScenarioRunner(client: client, target: Target(host: "127.0.0.1", port: server.port))
        // 20 calls (downloads: 2 calls of 16 messages), no warm-up: every client is connected (and has
        // shaken hands) before the first call.
        let scenario = try Scenario.parse(id)
        let plan = LoadPlan(
            scenario: scenario, duration: 1, warmup: 0, downloadCount: 16, replyTimeout: 30,
            calls: scenario.kind == .download ? 2 : 20)
        do {
            let result = try await runner.run(plan, protocolName: kind.rawValue + BenchReport.tlsSuffix)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    @Test(
        arguments: BenchProtocolKind.allCases,
        ["unary-1x1-16B", "unary-1x8-4KiB", "pingpong-1x1-100B", "download-1x1-64KiB"])
    func echoesAndDownloadsCrossTLSIntact(kind: BenchProtocolKind, id: String) async throws {
        let certificates = try await BenchCertificates.make()
        defer { certificates.remove() }
        let result = try await measure(kind, id, certificates: certificates)
        #expect(result.calls == (id.hasPrefix("download") ? 32 : 20))
        #expect(result.protocolName == "\(kind.rawValue)+tls")
        let scenario = try Scenario.parse(id)
        if scenario.kind == .download {
            #expect(abs(result.megabytesPerSecond * 1e6 * result.seconds - Double(result.calls * 65536)) < 1)
        }
    }

    @Test(arguments: BenchProtocolKind.allCases)
    func aClientThatDoesNotTrustTheCertificateFailsNamingVerification(kind: BenchProtocolKind) async throws {
        let certificates = try await BenchCertificates.make()
        defer { certificates.remove() }
        // The system roots do not include the throwaway CA.
        await #expect {
            _ = try await measure(kind, "unary-1x1-16B", certificates: certificates, trust: .system)
        } throws: { error in
            "\(error)".contains("certificate verify failed")
                || "\(error)".contains("unable to get local issuer certificate")
        }
    }

    @Test func newConnectionsPerSecondCountsHandshakesThatCompleted() async throws {
        let certificates = try await BenchCertificates.make()
        defer { certificates.remove() }
        let server = try await BenchServers.start(
            .tcp, host: "127.0.0.1", port: 0, threads: 1, tls: certificates.server)
        let client = try ProtocolRegistry.client(
            .tcp,
            settings: ProtocolSettings(
                threads: 1, tls: TLSClientConfiguration(trustRoots: .pem(.file(certificates.caCertificate)))))
        let rate = try await ConnectionRate.measure(
            client: client, target: Target(host: "127.0.0.1", port: server.port), protocolName: "tcp+tls", seconds: 0.2)
        await server.stop()
        #expect(rate.connections > 0)
        #expect(rate.perSecond > 0)
    }

    @Test func certificatesAreForLocalhostAndTheLoopbackAddresses() async throws {
        let certificates = try await BenchCertificates.make()
        defer { certificates.remove() }
        // Parsed back by OpenSSL (through H2TLS): the key matches and the names are those clients use.
        _ = try TLSServerContext(certificates.server.serverConfiguration)
        let openssl = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: [
                "openssl", "x509", "-in", certificates.server.certificateChain, "-noout", "-ext", "subjectAltName",
            ])
        let outcome = try await openssl.finished()
        #expect(outcome.status == 0)
        let text = outcome.stdout
        #expect(text.contains("DNS:localhost"))
        #expect(text.contains("IP Address:127.0.0.1"))
        #expect(text.contains("IP Address:0:0:0:0:0:0:0:1"))
    }
}
