import Foundation
import Testing

@testable import RPCBenchCore
@testable import RPCBenchServer

/// `rpcbench compare --profile DIR`: the child servers serve the profiler on a port of their own and
/// each protocol-and-scenario pair gets a pprof file and a flame graph.
@Suite struct CompareProfileTests {
    @Test func compareWritesAProfileAndAFlameGraphPerProtocolAndScenario() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("rpcbench-profile-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        let outcome = try await RPCBenchProcess.run(
            [
                "compare", "tcp", "grpc", "--scenarios", "unary-1x1-16B", "--duration", "0.5", "--warmup", "0.1",
                "--profile", dir.path,
            ])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for name in ["tcp-unary-1x1-16B", "grpc-unary-1x1-16B"] {
            let profile = try Data(contentsOf: dir.appendingPathComponent("\(name).pb.gz"))
            #expect(profile.starts(with: [0x1f, 0x8b]), "\(name).pb.gz is not gzip")
            let svg = try String(contentsOf: dir.appendingPathComponent("\(name).svg"), encoding: .utf8)
            #expect(svg.contains("<svg"))
            #expect(svg.contains("\(name.hasPrefix("tcp") ? "tcp" : "grpc") server, unary-1x1-16B"))
        }
    }

    @Test func profilerPortIsParsedAndChecked() throws {
        #expect(try ServerCommandLine.parse(["serve", "--proto", "grpc", "--profiler-port", "0"]).profilerPort == 0)
        #expect(try ServerCommandLine.parse(["serve", "--proto", "grpc"]).profilerPort == nil)
        #expect(throws: BenchError.usage("--profiler-port 70000 is not 0…65535")) {
            _ = try ServerCommandLine.parse(["serve", "--proto", "grpc", "--profiler-port", "70000"])
        }
    }

    @Test func theListeningLineNamesBothPorts() {
        let line = "rpcbench: tcp listening on 127.0.0.1:40001 (pid 7); profiler on 127.0.0.1:40002"
        #expect(ChildOutput.listeningPort(in: line) == 40001)
        #expect(ChildOutput.profilerPort(in: line) == 40002)
        #expect(ChildOutput.profilerPort(in: "rpcbench: tcp listening on 127.0.0.1:40001 (pid 7)") == nil)
    }

    @Test func profilesCoverWarmUpAndMeasurementInWholeSeconds() throws {
        let scenario = try #require(Scenario.standard.first)
        #expect(ProfileCapture.seconds(for: LoadPlan(scenario: scenario, duration: 3, warmup: 0.5)) == 3)
        #expect(ProfileCapture.seconds(for: LoadPlan(scenario: scenario, duration: 0.3, warmup: 0.1)) == 1)
    }
}
