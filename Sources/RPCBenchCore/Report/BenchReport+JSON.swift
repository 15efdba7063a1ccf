import RPCBenchServer
extension BenchReport {
    /// One object: `results` (one element per protocol × scenario, every figure a number or null),
    /// plus how, where and when it was measured.
    public var json: JSONValue {
        let rows: [JSONValue] = results.map { row in
            var members: [(String, JSONValue)] = [
                ("protocol", .string(row.protocolName)),
                ("scenario", .string(row.scenario.id)),
                ("kind", .string(row.scenario.kind.rawValue)),
                ("connections", .number(Double(row.scenario.connections))),
                ("concurrency", .number(Double(row.scenario.concurrency))),
                ("payload_bytes", .number(Double(row.scenario.payloadSize))),
                ("target", .string(row.target)),
                ("rate", .number(row.rate)),
                ("seconds", .number(row.seconds)),
                ("calls", .number(Double(row.calls))),
                ("errors", .number(Double(row.errors))),
                (
                    "errors_by_status",
                    .object(row.errorsByStatus.sorted { $0.key < $1.key }.map { ($0.key, .number(Double($0.value))) })
                ),
            ]
            for figure in BenchReport.figures { members.append((figure.key, .number(figure.value(row)))) }
            members.append(("max_us", .number(row.maxLatency)))
            members.append(("mean_us", .number(row.meanLatency)))
            members.append(("send_lag_p50_us", .number(row.sendLagP50)))
            members.append(("send_lag_p99_us", .number(row.sendLagP99)))
            let relative: JSONValue =
                baselineRow(for: row) == nil
                ? .null
                : .object(
                    BenchReport.figures.map { figure in (figure.key, .number(ratio(row, figure.value))) })
            members.append(("vs_\(baseline)", relative))
            return .object(members)
        }
        return .object([
            ("tool", .string("rpcbench")),
            ("build", .string(machine.build)),
            ("date", .string(machine.date)),
            (
                "machine",
                .object([
                    ("hostname", .string(machine.hostname)),
                    ("cpu", .string(machine.cpuModel)),
                    ("cpus", .number(Double(machine.cpus))),
                    ("kernel", .string(machine.kernel)),
                ])
            ),
            ("duration_s", .number(callsPerScenario == nil ? duration : nil)),
            ("calls_per_scenario", .number(callsPerScenario.map(Double.init))),
            ("warmup_s", .number(warmup)),
            (
                "units",
                .object([
                    ("mb_per_s", .string("payload bytes received per second / 10^6")),
                    (
                        "latency",
                        .string(
                            "microseconds; unary and pingpong: per call, from (intended) send to verified reply; download: gap before each message"
                        )
                    ),
                    (
                        "cpu_us_per_call",
                        .string("server + client CPU microseconds (user + system) per call or per download message")
                    ),
                    ("server_rss_mib", .string("server peak resident set (VmHWM) during the scenario, MiB")),
                    (
                        "errors",
                        .string(
                            "measured calls that ended with a non-OK gRPC status (not in calls), per status in errors_by_status"
                        )
                    ),
                ])
            ),
            ("results", .array(rows)),
            ("connections_per_s", .object(connectionRates.map { ($0.protocolName, .number($0.perSecond)) })),
        ])
    }
}
