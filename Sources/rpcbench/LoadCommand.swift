import ArgumentParser
import Foundation
import RPCBenchCore
import RPCBenchServer
import H2TLS

/// `rpcbench load --proto … --target host:port --scenario ID`: drive any server that speaks the contract.
struct LoadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "load",
        abstract: "Run scenarios against a server that speaks the bench contract (ours or another stack's).")

    @Option(help: "tcp, h2 or grpc.")
    var proto: String

    @Option(
        help: """
            The server: host:port; for grpc any gRPC target string (ipv4:127.0.0.1:P1,127.0.0.1:P2, \
            dns:///localhost:P, ipv6:[::1]:P, unix:/path).
            """)
    var target: String

    @Option(help: "grpc: the channel's load-balancing policy, pick_first (default) or round_robin.")
    var lb: String?

    @Option(
        help: """
            grpc: the gRPC JSON service config the channel applies (methodConfig: timeout, waitForReady, \
            retryPolicy, hedgingPolicy; loadBalancingConfig; retryThrottling).
            """)
    var serviceConfig: String?

    @Option(
        name: [.customLong("scenario"), .customLong("scenarios")], parsing: .singleValue,
        help: "Scenario id(s), e.g. unary-1x64-16B (repeat or comma-separate).")
    var scenario: [String] = []

    @Option(help: "Name of the server's stack in the report (default: the protocol).")
    var label: String?

    @Flag(help: "Connect over TLS (ALPN h2 for h2 and grpc).")
    var tls = false

    @Option(help: "With --tls: trust the CA certificates in this PEM file instead of the system's.")
    var tlsCA: String?

    @Option(
        help:
            "With --tls: the name verified in the server's certificate (and sent as SNI) instead of the target's host.")
    var tlsServerName: String?

    @OptionGroup var options: RunOptions

    func run() async throws {
        let progress = ProgressLine.ifTerminal()
        Terminal.installSignalHandlers(progress: progress)
        do throws(BenchError) {
            let kind = try parseProtocol(proto)
            let target = try Target.parse(self.target, for: kind)
            let ids = splitList(scenario)
            guard !ids.isEmpty else { throw .usage("--scenario is required (e.g. unary-1x1-16B)") }
            let scenarios = try options.scenarios(ids)
            let plans = try scenarios.map { s throws(BenchError) in try options.plan(s) }
            for s in scenarios {
                if let why = ProtocolRegistry.limitation(kind, s) {
                    throw .unsupported("\(kind.rawValue) cannot run \(s.id): \(why)")
                }
            }
            var settings = try options.clientSettings()
            if kind == .grpc {
                settings.grpcChannel = try GRPCChannelOptions.parse(
                    loadBalancing: lb, serviceConfigFile: serviceConfig)
            } else if lb != nil || serviceConfig != nil {
                throw .usage("--lb and --service-config need --proto grpc")
            }
            if tls {
                settings.tls = TLSClientConfiguration(
                    trustRoots: tlsCA.map { .pem(.file($0)) } ?? .system, serverNameOverride: tlsServerName)
            } else if tlsCA != nil || tlsServerName != nil {
                throw .usage("--tls-ca and --tls-server-name need --tls")
            }
            Terminal.printError(BuildInfo.banner)
            let client = try ProtocolRegistry.client(kind, settings: settings)
            let runner = ScenarioRunner(client: client, target: target, progress: progress)
            var results: [BenchResult] = []
            for plan in plans {
                results.append(
                    try await runner.run(
                        plan, protocolName: label ?? kind.rawValue, step: (results.count + 1, plans.count)))
            }
            var report = BenchReport(
                results: results, machine: .current(), duration: options.duration, warmup: options.warmup)
            report.callsPerScenario = options.calls
            print(report.table, terminator: "")
            try options.writeOutputs(report)
        } catch {
            Terminal.fail(error)
        }
    }
}
