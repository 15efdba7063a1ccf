import Foundation
import ArgumentParser
import RPCBenchCore
import RPCBenchServer

/// Options shared by `load` and `compare`.
struct RunOptions: ParsableArguments {
    @Option(help: "Seconds measured per scenario.")
    var duration: Double = 3

    @Option(
        help: """
            Measure exactly N calls per scenario (succeeded or failed; download: N Download calls) instead of \
            running for --duration.
            """)
    var calls: Int?

    @Option(help: "Seconds run before measuring each scenario.")
    var warmup: Double = 0.5

    @Option(help: "Override every scenario's message size (16, 16B, 4KiB, 1MiB).")
    var payload: String?

    @Option(help: "Override every scenario's calls in flight per connection.")
    var concurrency: Int?

    @Option(help: "Override every scenario's connection count.")
    var connections: Int?

    @Option(
        help: "Open loop: send this many calls per second in total; latency counts from each call's intended send time."
    )
    var rate: Double?

    @Option(help: "Messages each Download call asks for (default: 64 MiB worth).")
    var downloadCount: Int?

    @Option(help: "Seconds without any reply before a run fails.")
    var replyTimeout: Double = 5

    @Option(help: "Client event-loop threads (default: the protocol's choice).")
    var clientThreads: Int?

    @Option(
        help: ArgumentHelp(
            "Microseconds an idle event loop polls before it sleeps (compare: server and client; load: client). Trades idle CPU for latency. Default: off.",
            valueName: "us"))
    var busyPollUs: Int?

    @Option(help: "Write the results as JSON to this file.")
    var json: String?

    @Option(help: "Write the results as CSV to this file.")
    var csv: String?

    @Option(help: "Write a bar/latency chart (SVG) to this file.")
    var chart: String?

    /// `ids` with the overrides applied, validated.
    func scenarios(_ ids: [String]) throws(BenchError) -> [Scenario] {
        var payloadSize: Int?
        if let payload {
            guard let size = ByteSize.parse(payload) else {
                throw .usage("--payload '\(payload)' is not a size (e.g. 16B, 4KiB)")
            }
            payloadSize = size
        }
        var result: [Scenario] = []
        for id in ids {
            var scenario = try Scenario.parse(id)
            if let payloadSize { scenario.payloadSize = payloadSize }
            if let concurrency { scenario.concurrency = concurrency }
            if let connections { scenario.connections = connections }
            try scenario.validate()
            if !result.contains(scenario) { result.append(scenario) }
        }
        guard !result.isEmpty else { throw .usage("no scenario given") }
        return result
    }

    /// The client's protocol settings; throws on a negative busy-poll window.
    func clientSettings() throws(BenchError) -> ProtocolSettings {
        if let busyPollUs, busyPollUs < 0 { throw .usage("--busy-poll-us must be at least 0") }
        return ProtocolSettings(threads: clientThreads, busyPoll: BenchServers.busyPoll(microseconds: busyPollUs))
    }

    func plan(_ scenario: Scenario) throws(BenchError) -> LoadPlan {
        let plan = LoadPlan(
            scenario: scenario, duration: duration, warmup: warmup, rate: rate,
            downloadCount: downloadCount, replyTimeout: replyTimeout, calls: calls)
        try plan.validate()
        guard replyTimeout > 0 else { throw .usage("--reply-timeout must be above 0") }
        return plan
    }

    /// Writes the report to every file asked for.
    func writeOutputs(_ report: BenchReport) throws(BenchError) {
        if let json { try Terminal.write(report.json.rendered() + "\n", to: json) }
        if let csv { try Terminal.write(report.csv, to: csv) }
        if let chart { try Terminal.write(report.svg, to: chart) }
    }
}

/// Parses a comma-separated list, each element at most once.
func splitList(_ values: [String]) -> [String] {
    values.flatMap { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }.filter {
        !$0.isEmpty
    }
}

func parseProtocol(_ name: String) throws(BenchError) -> BenchProtocolKind {
    guard let kind = BenchProtocolKind(rawValue: name) else {
        throw .usage(
            "unknown protocol '\(name)' (known: \(BenchProtocolKind.allCases.map(\.rawValue).joined(separator: ", ")))")
    }
    return kind
}
