import ArgumentParser
import Foundation
import RPCBenchCore
import RPCBenchServer

/// `rpcbench compare tcp h2 grpc`: each protocol's server as a child process, every scenario against it,
/// one table.
struct CompareCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Start each protocol's server as a child, run the scenarios against it, print one table.")

    @Argument(help: "Protocols to compare, in order (tcp first: the others are shown relative to it).")
    var protocols: [String] = ["tcp", "h2", "grpc"]

    @Option(parsing: .singleValue, help: "Scenario ids, comma-separated (default: the five of SCENARIOS.md).")
    var scenarios: [String] = []

    @Option(help: "Server event-loop threads (default: one per core).")
    var serverThreads: Int?

    @OptionGroup var options: RunOptions

    func run() async throws {
        let progress = ProgressLine.ifTerminal()
        Terminal.installSignalHandlers(progress: progress)
        do throws(BenchError) {
            var kinds: [BenchProtocolKind] = []
            for name in splitList(protocols) {
                let kind = try parseProtocol(name)
                if !kinds.contains(kind) { kinds.append(kind) }
            }
            let ids = splitList(scenarios)
            let chosen = try options.scenarios(ids.isEmpty ? Scenario.standard.map(\.id) : ids)
            let plans = try chosen.map { s throws(BenchError) in try options.plan(s) }
            for kind in kinds {
                for s in chosen {
                    if let why = ProtocolRegistry.limitation(kind, s) { throw .unsupported("\(kind.rawValue) cannot run \(s.id): \(why)") }
                }
            }
            if let serverThreads, serverThreads < 1 { throw .usage("--server-threads must be at least 1") }
            _ = try options.clientSettings()  // checks --busy-poll-us before any server starts
            Terminal.printError(BuildInfo.banner)

            var results: [BenchResult] = []
            for kind in kinds {
                progress?.show("\(kind.rawValue)  starting its server")
                var serverArguments = serverThreads.map { ["--threads", String($0)] } ?? []
                if let busyPoll = options.busyPollUs { serverArguments += ["--busy-poll-us", String(busyPoll)] }
                let server = try await ChildServer.start(kind: kind, extraArguments: serverArguments)
                do throws(BenchError) {
                    let client = try ProtocolRegistry.client(kind, settings: try options.clientSettings())
                    let runner = ScenarioRunner(client: client, target: Target(host: server.host, port: server.port),
                                                serverPID: server.pid, progress: progress)
                    for plan in plans {
                        results.append(try await runner.run(plan, step: (results.count + 1, kinds.count * plans.count)))
                        guard server.isRunning else {
                            throw .peer("the \(kind.rawValue) server exited during \(plan.scenario.id)")
                        }
                    }
                } catch {
                    await server.stop()
                    throw error
                }
                await server.stop()
            }
            progress?.clear()
            let report = BenchReport(results: results, machine: .current(), duration: options.duration, warmup: options.warmup)
            print(report.table, terminator: "")
            try options.writeOutputs(report)
        } catch {
            Terminal.fail(error)
        }
    }
}
