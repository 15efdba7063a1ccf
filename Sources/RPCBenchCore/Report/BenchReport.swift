import RPCBenchServer
/// Every row of one run, with how they were measured; renders as a table, JSON, CSV and an SVG chart.
public struct BenchReport: Sendable {
    public var results: [BenchResult]
    public var machine: MachineInfo
    public var duration: Double
    public var warmup: Double
    /// The protocol the ratios are relative to.
    public var baseline = "tcp"
    /// New connections per second of each protocol (`compare --tls` measures them).
    public var connectionRates: [ConnectionRate] = []
    /// Calls measured per scenario (`--calls`) when a count, not `duration`, decided each run's length.
    public var callsPerScenario: Int?

    /// `N calls` or `D s` per scenario, as the header and the chart say it.
    var lengthPerScenario: String {
        callsPerScenario.map { "\($0) calls" } ?? "\(Format.seconds(duration)) s"
    }
    /// The suffix of rows measured over TLS; each is also compared with its plaintext row.
    public static let tlsSuffix = "+tls"

    public init(results: [BenchResult], machine: MachineInfo, duration: Double, warmup: Double) {
        self.results = results
        self.machine = machine
        self.duration = duration
        self.warmup = warmup
    }

    /// The baseline protocol's row for the same scenario, if it ran.
    public func baselineRow(for row: BenchResult) -> BenchResult? {
        results.first { $0.protocolName == baseline && $0.scenario == row.scenario }
    }

    /// The plaintext row of a row measured over TLS (`grpc+tls` → `grpc`), same scenario, if it ran.
    public func plaintextRow(for row: BenchResult) -> BenchResult? {
        guard row.protocolName.hasSuffix(BenchReport.tlsSuffix) else { return nil }
        let plain = String(row.protocolName.dropLast(BenchReport.tlsSuffix.count))
        return results.first { $0.protocolName == plain && $0.scenario == row.scenario }
    }

    /// `row`'s figure divided by the same figure of its plaintext row.
    public func tlsRatio(_ row: BenchResult, _ figure: (BenchResult) -> Double?) -> Double? {
        guard let base = plaintextRow(for: row), let a = figure(row), let b = figure(base), b > 0 else { return nil }
        return a / b
    }

    /// `row`'s figure divided by the baseline's (for latency and CPU, above 1 means worse).
    public func ratio(_ row: BenchResult, _ figure: (BenchResult) -> Double?) -> Double? {
        guard let base = baselineRow(for: row), let a = figure(row), let b = figure(base), b > 0 else { return nil }
        return a / b
    }

    /// The figures compared across protocols, in table order: title, unit, value.
    public static let figures: [(key: String, title: String, value: @Sendable (BenchResult) -> Double?)] = [
        ("calls_per_s", "calls/s", { $0.callsPerSecond }),
        ("mb_per_s", "MB/s", { $0.megabytesPerSecond }),
        ("p50_us", "p50 µs", { $0.p50 }),
        ("p90_us", "p90 µs", { $0.p90 }),
        ("p99_us", "p99 µs", { $0.p99 }),
        ("p999_us", "p99.9 µs", { $0.p999 }),
        ("cpu_us_per_call", "CPU µs/call", { $0.cpuPerCall }),
        ("server_cpu_us_per_call", "srv CPU µs", { $0.serverCPUPerCall }),
        ("client_cpu_us_per_call", "cli CPU µs", { $0.clientCPUPerCall }),
        ("server_rss_mib", "srv RSS MiB", { $0.serverRSS }),
    ]
}
