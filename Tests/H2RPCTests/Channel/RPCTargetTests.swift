import Testing
@testable import H2RPC

@Suite struct RPCTargetTests {
    /// Accepted targets and what they mean (gRPC naming document).
    static let accepted: [(String, RPCTarget.Kind)] = [
        ("dns:///example.com:50051", .dns(host: "example.com", port: 50051, dnsServer: nil)),
        ("dns:example.com:8080", .dns(host: "example.com", port: 8080, dnsServer: nil)),
        ("dns:example.com", .dns(host: "example.com", port: 443, dnsServer: nil)),
        ("DNS:///example.com", .dns(host: "example.com", port: 443, dnsServer: nil)),
        ("dns://8.8.8.8/example.com:1", .dns(host: "example.com", port: 1, dnsServer: "8.8.8.8")),
        ("dns:///[::1]:50051", .dns(host: "::1", port: 50051, dnsServer: nil)),
        ("localhost:50051", .dns(host: "localhost", port: 50051, dnsServer: nil)),
        ("example.com", .dns(host: "example.com", port: 443, dnsServer: nil)),
        (":50051", .dns(host: "localhost", port: 50051, dnsServer: nil)),
        ("[::1]:7", .dns(host: "::1", port: 7, dnsServer: nil)),
        ("[::1]", .dns(host: "::1", port: 443, dnsServer: nil)),
        ("::1", .dns(host: "::1", port: 443, dnsServer: nil)),
        ("127.0.0.1:9", .dns(host: "127.0.0.1", port: 9, dnsServer: nil)),
        (
            "ipv4:127.0.0.1:1,127.0.0.2:2",
            .addresses([.ipv4(host: "127.0.0.1", port: 1), .ipv4(host: "127.0.0.2", port: 2)])
        ),
        ("ipv4:10.0.0.1", .addresses([.ipv4(host: "10.0.0.1", port: 443)])),
        ("ipv6:[::1]:1,[fe80::1%lo]:2", .addresses([.ipv6(host: "::1", port: 1), .ipv6(host: "fe80::1%lo", port: 2)])),
        ("ipv6:::1", .addresses([.ipv6(host: "::1", port: 443)])),
        ("ipv6:[2001:db8::5]", .addresses([.ipv6(host: "2001:db8::5", port: 443)])),
        ("unix:relative.sock", .addresses([.unix(path: "relative.sock")])),
        ("unix:/abs/path.sock", .addresses([.unix(path: "/abs/path.sock")])),
        ("unix:///abs/path.sock", .addresses([.unix(path: "/abs/path.sock")])),
        ("unix-abstract:grpc-test", .addresses([.unixAbstract(name: "grpc-test")])),
        ("unix-abstract:", .addresses([.unixAbstract(name: "")])),
    ]

    @Test(arguments: accepted.indices) func parses(_ k: Int) throws {
        let (text, kind) = Self.accepted[k]
        let target = try RPCTarget(text)
        #expect(target.kind == kind, "\(text)")
        #expect(target.description == text)
    }

    /// Rejected targets and the part each error names.
    static let rejected: [(String, RPCTargetError.Part, String)] = [
        ("", .target, ""),
        ("[::1]:", .port, ""),
        ("localhost:", .port, ""),
        ("localhost:0", .port, "0"),
        ("localhost:65536", .port, "65536"),
        ("localhost:http", .port, "http"),
        ("localhost:+80", .port, "+80"),
        ("[::1", .host, "[::1"),
        ("[::1]x", .port, "x"),
        ("[example.com]:80", .host, "example.com"),
        ("a:b:c", .host, "a:b:c"),
        ("dns://example.com:80", .host, ""),
        ("dns:///", .host, ""),
        ("dns:", .host, ""),
        ("dns:///exa mple.com:80", .host, "exa mple.com"),
        ("dns:///example.com/x:80", .host, "example.com/x"),
        ("ipv4:1.2.3:80", .host, "1.2.3"),
        ("ipv4:127.0.0.1:80,", .host, ""),
        ("ipv4:::1", .host, "::1"),
        ("ipv4:127.0.0.1:99999", .port, "99999"),
        ("ipv6:[127.0.0.1]:80", .host, "127.0.0.1"),
        ("ipv6:[::1]:", .port, ""),
        ("ipv6:::1:80:zz", .host, "::1:80:zz"),
        ("unix:", .path, ""),
        ("unix://host/path", .authority, "host"),
    ]

    @Test(arguments: rejected.indices) func rejects(_ k: Int) {
        let (text, part, offending) = Self.rejected[k]
        do {
            let target = try RPCTarget(text)
            Issue.record("\(text.debugDescription) parsed as \(target.kind)")
        } catch {
            #expect(error.part == part, "\(text.debugDescription): \(error)")
            #expect(error.text == offending, "\(text.debugDescription): \(error)")
            #expect(error.target == text)
            #expect(error.rpcError.code == .invalidArgument)
        }
    }

    @Test func errorDescriptionNamesThePart() {
        #expect(
            throws: RPCTargetError(
                target: "ipv4:1.2.3:80", part: .host, text: "1.2.3", reason: "is not an IPv4 address")
        ) {
            try RPCTarget("ipv4:1.2.3:80")
        }
        do {
            _ = try RPCTarget("localhost:http")
        } catch {
            #expect(error.description == #"target "localhost:http": port "http" is not a port number 1…65535"#)
        }
    }

    @Test func authorityIsTheNameAsWritten() throws {
        #expect(try RPCTarget("dns:///example.com:50051").authority == "example.com:50051")
        #expect(try RPCTarget("example.com").authority == "example.com:443")
        #expect(try RPCTarget("[::1]:5").authority == "[::1]:5")
        #expect(try RPCTarget("ipv4:127.0.0.1:1,127.0.0.2:2").authority == "127.0.0.1:1")
        #expect(try RPCTarget("ipv6:[::1]:1").authority == "[::1]:1")
        #expect(try RPCTarget("unix:/tmp/s").authority == "localhost")
    }

    @Test func addressDescriptions() {
        #expect(ResolvedAddress.ipv4(host: "127.0.0.1", port: 1).description == "127.0.0.1:1")
        #expect(ResolvedAddress.ipv6(host: "::1", port: 2).description == "[::1]:2")
        #expect(ResolvedAddress.unix(path: "/s").description == "unix:/s")
        #expect(ResolvedAddress.unixAbstract(name: "n").description == "unix-abstract:n")
    }
}
