import ArgumentParser
import Foundation
import RPCBenchCore
import RPCBenchServer
import H2TLS

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

    @Flag(
        help: """
            Also run every protocol over TLS (P-256 certificate from a throwaway CA made with the openssl command), \
            and measure new connections per second: rows `tcp+tls`, `h2+tls`, `grpc+tls` beside the plaintext ones.
            """)
    var tls = false

    @Option(
        help: """
            Take a CPU profile of each server during each scenario (its warm-up and measurement) and write         DIR/<protocol>-<scenario>.pb.gz (for go tool pprof) and a flame graph DIR/<protocol>-<scenario>.svg.
            """)
    var profile: String?

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
                    if let why = ProtocolRegistry.limitation(kind, s) {
                        throw .unsupported("\(kind.rawValue) cannot run \(s.id): \(why)")
                    }
                }
            }
            if let serverThreads, serverThreads < 1 { throw .usage("--server-threads must be at least 1") }
            _ = try options.clientSettings()  // checks --busy-poll-us before any server starts
            Terminal.printError(BuildInfo.banner)

            let certificates = tls ? try await BenchCertificates.make() : nil
            defer { certificates?.remove() }
            // Plaintext first, then (with --tls) the same over TLS.
            let variants: [(kind: BenchProtocolKind, tls: Bool)] =
                kinds.map { ($0, false) } + (tls ? kinds.map { ($0, true) } : [])
            var results: [BenchResult] = []
            var rates: [ConnectionRate] = []
            for variant in variants {
                let kind = variant.kind
                let name = kind.rawValue + (variant.tls ? BenchReport.tlsSuffix : "")
                progress?.show("\(name)  starting its server")
                var serverArguments = serverThreads.map { ["--threads", String($0)] } ?? []
                if let busyPoll = options.busyPollUs { serverArguments += ["--busy-poll-us", String(busyPoll)] }
                if profile != nil { serverArguments += ["--profiler-port", "0"] }
                var settings = try options.clientSettings()
                if variant.tls, let certificates {
                    serverArguments += [
                        "--tls-cert", certificates.server.certificateChain, "--tls-key", certificates.server.privateKey,
                    ]
                    settings.tls = TLSClientConfiguration(trustRoots: .pem(.file(certificates.caCertificate)))
                }
                let server = try await ChildServer.start(kind: kind, extraArguments: serverArguments)
                if profile != nil, server.profilerPort == nil {
                    await server.stop()
                    throw .serverStart(
                        "the \(name) server did not report a profiler port (is rpcbench-server older than rpcbench?)")
                }
                do throws(BenchError) {
                    let client = try ProtocolRegistry.client(kind, settings: settings)
                    let target = Target(host: server.host, port: server.port)
                    let runner = ScenarioRunner(
                        client: client, target: target, serverPID: server.pid, progress: progress)
                    for plan in plans {
                        let capture =
                            profile == nil
                            ? nil
                            : server.profilerPort.map {
                                ProfileCapture.start(
                                    host: server.host, port: $0, seconds: ProfileCapture.seconds(for: plan))
                            }
                        results.append(
                            try await runner.run(
                                plan, protocolName: name, step: (results.count + 1, variants.count * plans.count)))
                        if let capture, let profile {
                            progress?.show("\(name) \(plan.scenario.id)  finishing its CPU profile")
                            try await ProfileCapture.finish(
                                capture, directory: profile, name: "\(name)-\(plan.scenario.id)",
                                title: "\(name) server, \(plan.scenario.id) (CPU samples)")
                        }
                        guard server.isRunning else {
                            throw .peer("the \(name) server exited during \(plan.scenario.id)")
                        }
                    }
                    if tls {
                        progress?.show("\(name)  new connections per second")
                        rates.append(
                            try await ConnectionRate.measure(
                                client: client, target: target, protocolName: name, seconds: options.duration))
                    }
                } catch {
                    await server.stop()
                    throw error
                }
                await server.stop()
            }
            progress?.clear()
            var report = BenchReport(
                results: results, machine: .current(), duration: options.duration, warmup: options.warmup)
            report.connectionRates = rates
            report.callsPerScenario = options.calls
            print(report.table, terminator: "")
            try options.writeOutputs(report)
        } catch {
            Terminal.fail(error)
        }
    }
}
