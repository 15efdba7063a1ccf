import Foundation
import H2RPC
import H2TLS
import TestSupport
import Testing

/// `/peer.Test/Who` answers with what its context knows of the connection:
/// `remote|local|certificate subject|subjectAltNames`.
struct PeerInfoService: RPCService {
    var methods: [RPCMethod] {
        [
            .unary(path: "/peer.Test/Who", service: self) {
                (_: PeerInfoService, _: HealthCheckRequest, context: ServerContext) -> HealthCheckRequest in
                let certificate = context.peerCertificate
                let names =
                    certificate?.alternativeNames.map { name -> String in
                        switch name {
                        case .dns(let text): "DNS:\(text)"
                        case .uri(let text): "URI:\(text)"
                        case .email(let text): "email:\(text)"
                        case .ipAddress(let text): "IP:\(text)"
                        }
                    }.joined(separator: ",") ?? "-"
                return HealthCheckRequest(
                    service:
                        "\(context.remoteAddress.map { "\($0)" } ?? "-")|\(context.localAddress.map { "\($0)" } ?? "-")|"
                        + "\(certificate?.subject ?? "-")|\(names)")
            }
        ]
    }
}

/// The peer and local addresses and the client certificate a handler sees, over real sockets:
/// TCP on IPv4 and IPv6 (our client), a Unix-domain socket and mutual TLS (grpcio's client).
@Suite struct PeerAddressTests {
    private func who(_ channel: RPCChannel) async throws -> [Substring] {
        let answer = try await channel.unary(
            path: "/peer.Test/Who", request: HealthCheckRequest(service: "who"), as: HealthCheckRequest.self)
        return answer.service.split(separator: "|", omittingEmptySubsequences: false)
    }

    /// The client's port: the local port of the one TCP socket this process has connected to `serverPort`
    /// (from /proc/net/tcp or tcp6), an independent record of the connection.
    private func clientPorts(connectedTo serverPort: Int, table: String) -> Set<Int> {
        // Read to the end with fread: procfs reports a size of 0, and a one-shot read stops after a page.
        guard let text = readTextFile("/proc/net/\(table)") else { return [] }
        var ports: Set<Int> = []
        for line in text.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: " ")
            guard fields.count > 3 else { continue }
            let local = fields[1].split(separator: ":"), remote = fields[2].split(separator: ":")
            guard let localPort = Int(local.last ?? "", radix: 16), let remotePort = Int(remote.last ?? "", radix: 16)
            else {
                continue
            }
            if remotePort == serverPort { ports.insert(localPort) }
        }
        return ports
    }

    @Test func ipv4() async throws {
        try await withServer([PeerInfoService()]) { _, channel, port in
            let parts = try await who(channel)
            #expect(parts.count == 4)
            #expect(parts[1] == "ipv4:127.0.0.1:\(port)")
            #expect(parts[0].hasPrefix("ipv4:127.0.0.1:"))
            let clientPort = Int(parts[0].split(separator: ":").last ?? "") ?? 0
            #expect(clientPorts(connectedTo: port, table: "tcp").contains(clientPort))
            #expect(parts[2] == "-" && parts[3] == "-")
        }
    }

    @Test func ipv6() async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [PeerInfoService()], configuration: config)
        let port = try await server.start(host: "::1", port: 0)
        let channel = try RPCChannel(target: "[::1]:\(port)")
        let parts = try await who(channel)
        // Read while the connection is open.
        let connectedPorts = clientPorts(connectedTo: port, table: "tcp6")
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
        #expect(parts[1] == "ipv6:[::1]:\(port)")
        #expect(parts[0].hasPrefix("ipv6:[::1]:"))
        let clientPort = Int(parts[0].split(separator: ":").last ?? "") ?? 0
        #expect(connectedPorts.contains(clientPort))
    }

    @Test func unixSocketFromGrpcio() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "h2rpc-peer-\(getpid())-\(UUID().uuidString.prefix(8)).sock"
        ).path
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [PeerInfoService()], configuration: config)
        try await server.start(host: "unix:\(path)", port: 0)
        let peer = try PeerProcess(try TestPaths.python3(), ["-u", TestPaths.python + "/peer_info_client.py"])
        peer.writeLine("unix:\(path)")
        let line = try await peer.nextLine()
        peer.closeStdin()
        #expect(try await peer.waitForExit() == 0)
        await server.shutdown(gracePeriod: .seconds(1))
        // The client's end of a Unix-domain connection has no name.
        #expect(line == "unix:|unix:\(path)|-|-")
    }

    @Test func clientCertificateOverMutualTLS() async throws {
        let certs = FileManager.default.temporaryDirectory.appendingPathComponent("h2rpc-peer-pki-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: certs) }
        let peer = try PeerProcess(
            try TestPaths.python3(), ["-u", TestPaths.python + "/peer_info_client.py", "--certs", certs])
        #expect(try await peer.nextLine() == "certs \(certs)")
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.tls = TLSServerConfiguration(
            certificateChain: .file(certs + "/server.pem"), privateKey: .file(certs + "/server.key"),
            clientCertificateVerification: .required(trustRoots: .file(certs + "/ca.pem")))
        let server = RPCServer(services: [PeerInfoService()], configuration: config)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        peer.writeLine("127.0.0.1:\(port) tls")
        let line = try await peer.nextLine()
        peer.writeLine("127.0.0.1:\(port) tls-san")
        let sanLine = try await peer.nextLine()
        peer.closeStdin()
        #expect(try await peer.waitForExit() == 0)
        await server.shutdown(gracePeriod: .seconds(1))
        let parts = line?.split(separator: "|", omittingEmptySubsequences: false) ?? []
        #expect(parts.count == 4, "\(line ?? "no answer")")
        guard parts.count == 4 else { return }
        #expect(parts[0].hasPrefix("ipv4:127.0.0.1:"))
        #expect(parts[1] == "ipv4:127.0.0.1:\(port)")
        // make-test-certs.sh issues the client certificate for /CN=h2rpc-test-client/O=h2rpc tests:
        // RFC 2253 writes the last RDN first. It carries no subjectAltName.
        #expect(parts[2] == "O=h2rpc tests,CN=h2rpc-test-client")
        #expect(parts[3] == "")
        // The second client certificate (made by peer_info_client.py) names itself in subjectAltName.
        let sanParts = sanLine?.split(separator: "|", omittingEmptySubsequences: false) ?? []
        #expect(sanParts.count == 4, "\(sanLine ?? "no answer")")
        guard sanParts.count == 4 else { return }
        #expect(sanParts[2] == "CN=san-client")
        #expect(sanParts[3] == "URI:spiffe://h2rpc.test/client,DNS:client.h2rpc.test,IP:127.0.0.2")
    }
}
