import RPCBenchServer
/// One row of a report: one protocol running one scenario.
public struct BenchResult: Sendable {
    /// `tcp`, `h2`, `grpc` (or what `load --label` says for another stack).
    public var protocolName: String
    public var scenario: Scenario
    /// Where the server was (`127.0.0.1:41234`).
    public var target: String
    public var seconds: Double
    public var calls: Int
    /// Measured calls that failed (not in `calls`), and how many of them per status name (`UNAVAILABLE`).
    public var errors = 0
    public var errorsByStatus: [String: Int] = [:]
    public var callsPerSecond: Double
    public var megabytesPerSecond: Double
    public var p50: Double?
    public var p90: Double?
    public var p99: Double?
    public var p999: Double?
    public var maxLatency: Double?
    public var meanLatency: Double?
    public var serverCPUPerCall: Double?
    public var clientCPUPerCall: Double?
    public var serverRSS: Double?
    public var rate: Double?
    /// Open loop: p50 and p99 of the client's send lag behind the intended send times, µs.
    public var sendLagP50: Double?
    public var sendLagP99: Double?

    /// Server + client CPU µs per call; nil when the server's CPU is unknown.
    public var cpuPerCall: Double? {
        guard let s = serverCPUPerCall, let c = clientCPUPerCall else { return nil }
        return s + c
    }

    public init(protocolName: String, target: String, measurement m: LoadMeasurement, serverRSS: Double?) {
        self.protocolName = protocolName
        scenario = m.scenario
        self.target = target
        seconds = m.seconds
        calls = m.calls
        errors = m.errorCount
        errorsByStatus = m.errors
        callsPerSecond = m.callsPerSecond
        megabytesPerSecond = m.megabytesPerSecond
        p50 = m.latencies.microseconds(atPercentile: 50)
        p90 = m.latencies.microseconds(atPercentile: 90)
        p99 = m.latencies.microseconds(atPercentile: 99)
        p999 = m.latencies.microseconds(atPercentile: 99.9)
        maxLatency = m.latencies.maxMicroseconds
        meanLatency = m.latencies.meanMicroseconds
        let calls = Double(max(m.calls, 1))
        clientCPUPerCall = m.calls > 0 ? m.clientCPU.totalMicroseconds / calls : nil
        serverCPUPerCall = m.calls > 0 ? m.serverCPU.map { $0.totalMicroseconds / calls } : nil
        self.serverRSS = serverRSS
        rate = m.rate
        if m.rate != nil {
            sendLagP50 = m.sendLag.microseconds(atPercentile: 50)
            sendLagP99 = m.sendLag.microseconds(atPercentile: 99)
        }
    }

    /// A row from explicit figures (tests, and rows read back).
    public init(
        protocolName: String, scenario: Scenario, target: String = "", seconds: Double = 1, calls: Int,
        callsPerSecond: Double, megabytesPerSecond: Double, p50: Double?, p90: Double?, p99: Double?,
        p999: Double?, serverCPUPerCall: Double?, clientCPUPerCall: Double?, serverRSS: Double?
    ) {
        self.protocolName = protocolName
        self.scenario = scenario
        self.target = target
        self.seconds = seconds
        self.calls = calls
        self.callsPerSecond = callsPerSecond
        self.megabytesPerSecond = megabytesPerSecond
        self.p50 = p50
        self.p90 = p90
        self.p99 = p99
        self.p999 = p999
        self.serverCPUPerCall = serverCPUPerCall
        self.clientCPUPerCall = clientCPUPerCall
        self.serverRSS = serverRSS
    }
}
