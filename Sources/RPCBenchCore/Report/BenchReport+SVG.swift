import RPCBenchServer
/// A chart a person reads faster than the table: one block per scenario, one bar per protocol, three
/// panels — throughput, latency (p50 solid, p99 light, p99.9 in the label), CPU per call (server solid, client light).
/// Each block has its own scale, so that a scenario's protocols compare at a glance.
extension BenchReport {
    public var svg: String {
        let scenarios = results.reduce(into: [Scenario]()) { if !$0.contains($1.scenario) { $0.append($1.scenario) } }
        let rowHeight = 24.0, blockGap = 18.0, headerHeight = 22.0
        let panelX = [120.0, 500.0, 900.0], barMax = 230.0
        let width = 1290.0
        var y = 78.0
        var body = ""

        for scenario in scenarios {
            let rows = results.filter { $0.scenario == scenario }
            body += SVG.text(x: 12, y: y + 15, scenario.id, weight: "bold", size: 13)
            y += headerHeight
            let download = scenario.kind == .download
            let throughput: (BenchResult) -> Double = { download ? $0.megabytesPerSecond : $0.callsPerSecond }
            let maxThroughput = rows.map(throughput).max() ?? 0
            let maxLatency = rows.compactMap { $0.p99 ?? $0.p50 }.max() ?? 0
            let maxCPU = rows.compactMap { ($0.serverCPUPerCall ?? 0) + ($0.clientCPUPerCall ?? 0) }.max() ?? 0

            for row in rows {
                let color = SVG.color(for: row.protocolName)
                let mid = y + rowHeight / 2
                body += SVG.text(x: 24, y: mid + 4, row.protocolName, size: 12)

                // Throughput.
                let t = throughput(row)
                let tw = SVG.scaled(t, max: maxThroughput, width: barMax)
                body += SVG.rect(x: panelX[0], y: y + 4, width: tw, height: rowHeight - 8, fill: color)
                var label = Format.number(t) + (download ? " MB/s" : " /s")
                if row.protocolName != baseline,
                    let r = ratio(row, { download ? $0.megabytesPerSecond : $0.callsPerSecond })
                {
                    label += "  " + Format.ratio(r)
                }
                body += SVG.text(x: panelX[0] + tw + 6, y: mid + 4, label, size: 11)

                // Latency.
                if let p50 = row.p50 {
                    let w50 = SVG.scaled(p50, max: maxLatency, width: barMax)
                    let w99 = SVG.scaled(row.p99 ?? p50, max: maxLatency, width: barMax)
                    body += SVG.rect(
                        x: panelX[1], y: y + 4, width: w99, height: rowHeight - 8, fill: color, opacity: 0.35)
                    body += SVG.rect(x: panelX[1], y: y + 4, width: w50, height: rowHeight - 8, fill: color)
                    let label = "\(Format.number(p50)) · \(Format.optional(row.p99)) · \(Format.optional(row.p999)) µs"
                    body += SVG.text(x: panelX[1] + max(w99, w50) + 6, y: mid + 4, label, size: 11)
                } else {
                    body += SVG.text(x: panelX[1], y: mid + 4, "no latency", size: 11, fill: "#888")
                }

                // CPU per call.
                if let server = row.serverCPUPerCall ?? row.clientCPUPerCall.map({ _ in 0 }) {
                    let client = row.clientCPUPerCall ?? 0
                    let ws = SVG.scaled(server, max: maxCPU, width: barMax)
                    let wc = SVG.scaled(client, max: maxCPU, width: barMax)
                    body += SVG.rect(x: panelX[2], y: y + 4, width: ws, height: rowHeight - 8, fill: color)
                    body += SVG.rect(
                        x: panelX[2] + ws, y: y + 4, width: wc, height: rowHeight - 8, fill: color, opacity: 0.35)
                    let label =
                        row.serverCPUPerCall == nil
                        ? "client \(Format.number(client)) µs"
                        : "\(Format.number(server)) + \(Format.number(client)) µs"
                    body += SVG.text(x: panelX[2] + ws + wc + 6, y: mid + 4, label, size: 11)
                }
                y += rowHeight
            }
            y += blockGap
        }

        let height = y + 30
        var head =
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Format.plain(width))\" height=\"\(Format.plain(height))\" "
            + "viewBox=\"0 0 \(Format.plain(width)) \(Format.plain(height))\" font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\">\n"
        head +=
            "<rect x=\"0\" y=\"0\" width=\"\(Format.plain(width))\" height=\"\(Format.plain(height))\" fill=\"white\"/>\n"
        head += SVG.text(
            x: 12, y: 24,
            "rpcbench compare — \(machine.build) build, \(machine.cpus) × \(machine.cpuModel), \(machine.date)",
            weight: "bold", size: 15)
        head += SVG.text(
            x: panelX[0], y: 56, "throughput (higher is better; × = vs \(baseline))", weight: "bold", size: 12)
        head += SVG.text(x: panelX[1], y: 56, "latency µs: p50 solid, p99 light", weight: "bold", size: 12)
        head += SVG.text(x: panelX[2], y: 56, "CPU µs per call: server solid + client light", weight: "bold", size: 12)
        let foot = SVG.text(
            x: 12, y: height - 10,
            "Each scenario has its own scale. Latency labels: p50 · p99 · p99.9. \(lengthPerScenario) per scenario after \(Format.seconds(warmup)) s warm-up.",
            size: 11, fill: "#555")
        return head + body + foot + "</svg>\n"
    }
}

/// The few SVG elements the chart uses, with XML escaping.
enum SVG {
    static func color(for name: String) -> String {
        switch name {
        case "tcp": "#7f8c8d"
        case "h2": "#2e86de"
        case "grpc": "#27ae60"
        default: "#e67e22"
        }
    }

    static func scaled(_ value: Double, max: Double, width: Double) -> Double {
        guard max > 0, value.isFinite, value > 0 else { return 0 }
        return Swift.max(1, (value / max * width).rounded())
    }

    static func rect(x: Double, y: Double, width: Double, height: Double, fill: String, opacity: Double = 1) -> String {
        "<rect x=\"\(Format.plain(x))\" y=\"\(Format.plain(y))\" width=\"\(Format.plain(width))\" height=\"\(Format.plain(height))\" "
            + "fill=\"\(fill)\"\(opacity < 1 ? " fill-opacity=\"\(Format.plain(opacity))\"" : "")/>\n"
    }

    static func text(
        x: Double, y: Double, _ content: String, weight: String = "normal", size: Double, fill: String = "#222"
    ) -> String {
        "<text x=\"\(Format.plain(x))\" y=\"\(Format.plain(y))\" font-size=\"\(Format.plain(size))\" font-weight=\"\(weight)\" fill=\"\(fill)\">\(escape(content))</text>\n"
    }

    static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(ch)
            }
        }
        return out
    }
}
