import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing
@testable import RPCBenchCore
@testable import RPCBenchServer

@Suite struct ReportTests {
    static let machine = MachineInfo(
        hostname: "h", cpuModel: "CPU <x> & y", cpus: 2, kernel: "6.1", build: "release",
        date: "2026-11-29T00:00:00Z")

    func report() -> BenchReport {
        let unary = Scenario.standard[0], download = Scenario.standard[4]
        let rows = [
            BenchResult(
                protocolName: "tcp", scenario: unary, calls: 20000, callsPerSecond: 20000, megabytesPerSecond: 0.32,
                p50: 50, p90: 55, p99: 70, p999: 120, serverCPUPerCall: 10, clientCPUPerCall: 12, serverRSS: 4),
            BenchResult(
                protocolName: "grpc", scenario: unary, calls: 16000, callsPerSecond: 16000, megabytesPerSecond: 0.256,
                p50: 60, p90: 66, p99: 90, p999: 150, serverCPUPerCall: 20, clientCPUPerCall: 25, serverRSS: 8),
            BenchResult(
                protocolName: "grpc", scenario: download, calls: 50000, callsPerSecond: 50000,
                megabytesPerSecond: 3276.8,
                p50: 15, p90: 20, p99: 40, p999: 90, serverCPUPerCall: nil, clientCPUPerCall: 3, serverRSS: nil),
        ]
        return BenchReport(results: rows, machine: ReportTests.machine, duration: 1, warmup: 0.5)
    }

    @Test func jsonHasEveryFieldAsANumberOrNull() throws {
        let text = report().json.rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["build"] as? String == "release")
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.count == 3)
        let required = [
            "calls_per_s", "mb_per_s", "p50_us", "p90_us", "p99_us", "p999_us", "cpu_us_per_call", "server_rss_mib",
        ]
        for row in results {
            #expect(row["protocol"] is String && row["scenario"] is String)
            for key in required {
                let value = try #require(row[key], "missing \(key)")
                #expect(value is NSNumber || value is NSNull, "\(key) is \(value)")
            }
        }
        #expect(results[1]["calls_per_s"] as? Double == 16000)
        #expect(results[1]["cpu_us_per_call"] as? Double == 45)
        // Where a figure does not apply it is null, not 0 and not missing.
        #expect(results[2]["server_rss_mib"] is NSNull)
        #expect(results[2]["cpu_us_per_call"] is NSNull)
        // Ratios against tcp where tcp ran the same scenario; null where it did not.
        let vs = try #require(results[1]["vs_tcp"] as? [String: Any])
        #expect(vs["calls_per_s"] as? Double == 0.8)
        #expect(results[2]["vs_tcp"] is NSNull)
    }

    @Test func failedCallsShowInTheTableAndTheJSON() throws {
        var report = report()
        report.results[1].errors = 7
        report.results[1].errorsByStatus = ["DEADLINE_EXCEEDED": 2, "UNAVAILABLE": 5]
        let table = report.table
        #expect(table.split(separator: "\n").contains { $0.hasPrefix("protocol") && $0.hasSuffix("errors") })
        #expect(table.contains("failed calls grpc unary-1x1-16B: DEADLINE_EXCEEDED 2, UNAVAILABLE 5"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.rendered().utf8)) as? [String: Any])
        let results = try #require(object["results"] as? [[String: Any]])
        #expect(results.map { $0["errors"] as? Int } == [0, 7, 0])
        let byStatus = try #require(results[1]["errors_by_status"] as? [String: Int])
        #expect(byStatus == ["DEADLINE_EXCEEDED": 2, "UNAVAILABLE": 5])
        #expect((results[0]["errors_by_status"] as? [String: Int])?.isEmpty == true)
    }

    @Test func aRunOfAFixedNumberOfCallsSaysSo() throws {
        var report = report()
        report.callsPerScenario = 500
        #expect(report.table.hasPrefix("release build · 2 × CPU <x> & y · 500 calls per scenario after 0.5 s warm-up"))
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(report.json.rendered().utf8)) as? [String: Any])
        #expect(object["calls_per_scenario"] as? Int == 500)
        #expect(object["duration_s"] is NSNull)
    }

    @Test func jsonEscapesStrings() throws {
        let value = JSONValue.object([("s", .string("a\"b\\c\nd\u{1}"))])
        let parsed = try JSONSerialization.jsonObject(with: Data(value.rendered().utf8)) as? [String: String]
        #expect(parsed?["s"] == "a\"b\\c\nd\u{1}")
    }

    @Test func csvHasAHeaderAndOneLinePerRow() {
        let lines = report().csv.split(separator: "\n")
        #expect(lines.count == 4)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false)
        #expect(header.starts(with: ["protocol", "scenario", "seconds", "calls", "errors", "calls_per_s"]))
        for line in lines.dropFirst() {
            #expect(line.split(separator: ",", omittingEmptySubsequences: false).count == header.count)
        }
        #expect(lines[2].hasPrefix("grpc,unary-1x1-16B,1,16000,0,16000,0.256,"))
    }

    @Test func tableShowsFiguresAndRatios() {
        let table = report().table
        #expect(table.contains("release build"))
        #expect(table.contains("grpc      unary-1x1-16B"))
        #expect(table.contains("0.80×"))
        #expect(table.contains("relative to tcp"))
        var debug = report()
        debug.machine.build = "debug"
        #expect(debug.table.contains("DEBUG BUILD"))
    }

    @Test func chartIsWellFormedSVGWithABarPerRow() throws {
        let svg = report().svg
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "not well-formed: \(String(describing: parser.parserError))")
        #expect(counter.root == "svg")
        // Background + per row: a throughput bar, p99 and p50 bars, server and client CPU bars (where known).
        #expect(counter.counts["rect", default: 0] >= 1 + 3 * 3)
        #expect(svg.contains("unary-1x1-16B") && svg.contains("download-1x1-64KiB"))
        #expect(svg.contains("CPU &lt;x&gt; &amp; y"))
        #expect(svg.contains("0.80×"))
    }
}

final class ElementCounter: NSObject, XMLParserDelegate {
    var counts: [String: Int] = [:]
    var root: String?
    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil { root = name }
        counts[name, default: 0] += 1
    }
}
