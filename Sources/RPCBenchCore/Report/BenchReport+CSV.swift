import RPCBenchServer
import Foundation

extension BenchReport {
    /// One header line, one line per row; empty cells where a figure does not apply.
    public var csv: String {
        var header = ["protocol", "scenario", "seconds", "calls", "errors"]
        header += BenchReport.figures.map(\.key)
        header += BenchReport.figures.map { "\($0.key)_vs_\(baseline)" }
        var lines = [header.joined(separator: ",")]
        for row in results {
            var cells = [
                row.protocolName, row.scenario.id, Format.plain(row.seconds), String(row.calls), String(row.errors),
            ]
            cells += BenchReport.figures.map { $0.value(row).map(Format.plain) ?? "" }
            cells += BenchReport.figures.map { figure in
                ratio(row, figure.value).map { Format.plain(($0 * 1000).rounded() / 1000) } ?? ""
            }
            lines.append(cells.map(BenchReport.csvCell).joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func csvCell(_ s: String) -> String {
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
