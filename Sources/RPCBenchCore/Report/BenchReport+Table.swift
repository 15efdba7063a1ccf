import RPCBenchServer
extension BenchReport {
    /// The figures table, then (when the baseline ran) every figure relative to it.
    public var table: String {
        var figures = TextTable(header: ["protocol", "scenario"] + BenchReport.tableFigures.map(\.title) + ["errors"])
        for row in results {
            figures.rows.append(
                [row.protocolName, row.scenario.id] + BenchReport.tableFigures.map { Format.optional($0.value(row)) }
                    + [String(row.errors)])
        }
        var out =
            "\(machine.build) build · \(machine.cpus) × \(machine.cpuModel) · "
            + "\(lengthPerScenario) per scenario after \(Format.seconds(warmup)) s warm-up\n\n"
            + figures.rendered()
        let compared = results.filter { $0.protocolName != baseline && baselineRow(for: $0) != nil }
        if !compared.isEmpty {
            var relative = TextTable(header: ["vs \(baseline)", "scenario"] + BenchReport.tableFigures.map(\.title))
            for row in compared {
                relative.rows.append(
                    [row.protocolName, row.scenario.id]
                        + BenchReport.tableFigures.map { Format.ratio(ratio(row, $0.value)) })
            }
            out +=
                "\n\nrelative to \(baseline) (calls/s, MB/s: higher is better; latency, CPU, RSS: lower is better)\n\n"
                + relative.rendered()
        }
        let overTLS = results.filter { plaintextRow(for: $0) != nil }
        if !overTLS.isEmpty {
            var relative = TextTable(header: ["TLS vs plaintext", "scenario"] + BenchReport.tableFigures.map(\.title))
            for row in overTLS {
                relative.rows.append(
                    [row.protocolName, row.scenario.id]
                        + BenchReport.tableFigures.map { Format.ratio(tlsRatio(row, $0.value)) })
            }
            out += "\n\nover TLS relative to the same protocol in plaintext\n\n" + relative.rendered()
        }
        if !connectionRates.isEmpty {
            var rates = TextTable(header: ["protocol", "connections/s", "vs plaintext"])
            for rate in connectionRates {
                let plain =
                    rate.protocolName.hasSuffix(BenchReport.tlsSuffix)
                    ? connectionRates.first {
                        $0.protocolName == String(rate.protocolName.dropLast(BenchReport.tlsSuffix.count))
                    } : nil
                let ratio = plain.flatMap { $0.perSecond > 0 ? rate.perSecond / $0.perSecond : nil }
                rates.rows.append([
                    rate.protocolName, Format.number(rate.perSecond), ratio == nil ? "" : Format.ratio(ratio),
                ])
            }
            out +=
                "\n\nnew connections, one at a time (connect — over TLS the full handshake —, one 16 B call, close)\n\n"
                + rates.rendered()
        }
        out +=
            "\n\nlatency: unary/pingpong per call (open loop: from the intended send time); download: gap before each message."
            + "\nCPU: user + system µs per call (download: per message), server from /proc/<pid>/stat, client from getrusage."
        for row in results where !row.errorsByStatus.isEmpty {
            let counts = row.errorsByStatus.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            out +=
                "\nfailed calls \(row.protocolName) \(row.scenario.id): \(counts.joined(separator: ", ")) (not in calls/s or latency)."
        }
        for row in results where row.rate != nil {
            out +=
                "\nopen loop \(row.protocolName) \(row.scenario.id) at \(Format.number(row.rate ?? 0)) calls/s: the client's timer "
                + "lateness (p50 \(Format.optional(row.sendLagP50)) µs, p99 \(Format.optional(row.sendLagP99)) µs) is part of each latency."
        }
        if machine.build == "debug" {
            out +=
                "\nDEBUG BUILD: these figures are several times too slow; run `swift run -c release rpcbench compare`."
        }
        return out + "\n"
    }

    /// The table shows total CPU split into server and client; the JSON also has the sum.
    static var tableFigures: [(key: String, title: String, value: @Sendable (BenchResult) -> Double?)] {
        figures.filter { $0.key != "cpu_us_per_call" }
    }
}
