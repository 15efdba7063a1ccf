import Testing
@testable import RPCBenchServer

@Suite struct ServerCommandLineTests {
    @Test func parsesWhatComparePasses() throws {
        let line = try ServerCommandLine.parse([
            "serve", "--proto", "h2", "--host", "::1", "--port", "0", "--threads", "2", "--exit-with-parent",
        ])
        #expect(line == ServerCommandLine(kind: .h2, host: "::1", port: 0, threads: 2, exitWithParent: true))
        #expect(try ServerCommandLine.parse(["--proto", "grpc"]) == ServerCommandLine(kind: .grpc))
        #expect(
            try ServerCommandLine.parse(["--proto", "tcp", "--busy-poll-us", "50"])
                == ServerCommandLine(kind: .tcp, busyPollMicroseconds: 50))
        #expect(
            try ServerCommandLine.parse(["--proto", "grpc", "--tls-cert", "c.pem", "--tls-key", "k.pem"])
                == ServerCommandLine(kind: .grpc, tls: BenchTLSFiles(certificateChain: "c.pem", privateKey: "k.pem")))
        #expect(BenchServers.busyPoll(microseconds: 50) == .microseconds(50))
        #expect(BenchServers.busyPoll(microseconds: 0) == nil)
        #expect(BenchServers.busyPoll(microseconds: nil) == nil)
    }

    @Test(arguments: [
        (["--port", "1"], "--proto is required"),
        (["--proto", "quic"], "unknown protocol 'quic'"),
        (["--proto", "tcp", "--port", "70000"], "--port 70000 is not 0…65535"),
        (["--proto", "tcp", "--threads", "0"], "--threads 0 is not a number of at least 1"),
        (["--proto", "tcp", "--port"], "--port needs a value"),
        (["--proto", "tcp", "--busy-poll-us", "-1"], "--busy-poll-us -1 is not a number of at least 0"),
        (["--proto", "tcp", "--verbose"], "unknown option '--verbose'"),
        (["--proto", "tcp", "--tls-cert", "c.pem"], "--tls-cert needs --tls-key"),
        (["--proto", "tcp", "--tls-key", "k.pem"], "--tls-key needs --tls-cert"),
    ])
    func badArgumentsSayWhich(arguments: [String], message: String) {
        #expect {
            try ServerCommandLine.parse(arguments)
        } throws: { error in
            guard case .usage(let text) = error as? BenchError else { return false }
            return text.hasPrefix(message)
        }
    }
}
