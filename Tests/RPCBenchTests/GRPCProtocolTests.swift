import Foundation
import TestSupport
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

/// gRPC bench.Echo over real loopback sockets: rpcbench's client against its server for every scenario
/// kind (echoes checked byte for byte by the driver), against python grpcio's server (another stack), and a
/// grpcio client against rpcbench's server (scripts/checks/60-rpcbench.sh does that one too).
@Suite(.serialized) struct GRPCProtocolTests {
    /// 40 calls of `id` (downloads: 2 calls of 16 messages), no warm-up.
    func measure(_ id: String, port: Int) async throws -> BenchResult {
        let runner = ScenarioRunner(client: GRPCBenchClient(), target: Target(host: "127.0.0.1", port: port))
        let scenario = try Scenario.parse(id)
        let plan = LoadPlan(
            scenario: scenario, duration: 1, warmup: 0, downloadCount: 16, replyTimeout: 30,
            calls: scenario.kind == .download ? 2 : 40)
        return try await runner.run(plan)
    }

    @Test(arguments: [
        "unary-1x1-16B", "unary-2x16-4KiB", "unary-1x4-0B", "pingpong-1x2-100B", "unary-1x1-100KiB",
        "download-1x1-64KiB",
    ])
    func ourClientAgainstOurServer(id: String) async throws {
        let server = try await GRPCBenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        defer { Task { await server.stop() } }
        let result = try await measure(id, port: server.port)
        let scenario = try Scenario.parse(id)
        #expect(result.calls == (scenario.kind == .download ? 32 : 40))
        #expect(result.errors == 0)
        #expect(abs(result.megabytesPerSecond * 1e6 * result.seconds - Double(result.calls * scenario.payloadSize)) < 1)
    }

    /// The largest payload a scenario may ask for (4 MiB) is a message a few bytes longer; it crosses both ways.
    @Test func theLargestPayloadEchoes() async throws {
        let server = try await GRPCBenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        let connection = try await GRPCBenchClient().connect(to: Target(host: "127.0.0.1", port: server.port))
        let payload = (0..<BenchLimits.maxMessage).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let echo = try await connection.unary(payload)
        await connection.close()
        await server.stop()
        #expect(echo == payload)
    }

    /// Server and client loops that busy-poll (`--busy-poll-us`) serve every call kind the same.
    @Test func busyPollingServerAndClient() async throws {
        let server = try await GRPCBenchServer.start(
            host: "127.0.0.1", port: 0, threads: 1, busyPoll: .microseconds(50))
        defer { Task { await server.stop() } }
        let runner = ScenarioRunner(
            client: GRPCBenchClient(busyPoll: .microseconds(50)), target: Target(host: "127.0.0.1", port: server.port))
        for id in ["unary-1x1-16B", "unary-1x8-16B", "pingpong-1x1-100B", "download-1x1-4KiB"] {
            let plan = LoadPlan(
                scenario: try Scenario.parse(id), duration: 1, warmup: 0, downloadCount: 16, replyTimeout: 30,
                calls: 2)
            #expect(try await runner.run(plan).calls == (id.hasPrefix("download") ? 32 : 2), "\(id)")
        }
    }

    @Test func ourClientAgainstPythonGrpcio() async throws {
        let server = try await PythonProcess.start(script: "grpc_echo_server.py")
        // SIGKILL: a child of this test process may inherit SIGTERM blocked, and outlive the test.
        defer { server.process.signal(SIGKILL) }
        for id in ["unary-1x4-16B", "pingpong-1x1-4KiB", "download-1x1-64KiB"] {
            let result = try await measure(id, port: server.port)
            #expect(result.calls == (id.hasPrefix("download") ? 32 : 40), "\(id)")
        }
    }

    @Test func pythonGrpcioClientAgainstOurServer() async throws {
        let server = try await GRPCBenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        defer { Task { await server.stop() } }
        let outcome = try await PythonProcess.run(script: "grpc_echo_client.py", arguments: [String(server.port)])
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(outcome.output.contains("all as specified"))
    }

    @Test func aTCPServerIsNotTakenForAGRPCOne() async throws {
        let tcp = try TCPBenchServer.start(host: "127.0.0.1", port: 0, threads: 1)
        defer { Task { await tcp.stop() } }
        await #expect(throws: BenchError.self) {
            _ = try await measure("unary-1x1-16B", port: tcp.port)
        }
    }
}

/// Runs the python scripts of scripts/rpcbench/ (grpcio is installed by scripts/setup.sh; missing, the
/// test fails rather than skips).
enum PythonProcess {
    static var scripts: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
            .appendingPathComponent("scripts/rpcbench")
    }

    /// The interpreter's own path: `python3` may be a version manager's shim that runs python as its child,
    /// and terminating the shim would leave the server running.
    static func interpreter() async throws -> String {
        let output = try await runChecked("/usr/bin/env", ["python3", "-c", "import sys; print(sys.executable)"])
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func start(script: String) async throws -> (process: ChildProcess, port: Int) {
        let process = try ChildProcess(
            executable: try await interpreter(), arguments: [scripts.appendingPathComponent(script).path],
            mergeOutput: true)
        let line = try await process.firstLine() ?? ""
        guard let port = ChildOutput.listeningPort(in: line) else {
            process.signal(SIGKILL)
            throw BenchError.serverStart("python \(script): \(line)")
        }
        return (process, port)
    }

    static func run(script: String, arguments: [String]) async throws -> (status: Int32, output: String) {
        let process = try ChildProcess(
            executable: try await interpreter(), arguments: [scripts.appendingPathComponent(script).path] + arguments,
            mergeOutput: true)
        let outcome = try await process.finished()
        return (outcome.status, outcome.stdout)
    }
}
