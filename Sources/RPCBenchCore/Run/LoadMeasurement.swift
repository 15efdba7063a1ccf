import RPCBenchServer
/// The raw figures of one measured run, before they become a row of the report.
public struct LoadMeasurement: Sendable {
    public var scenario: Scenario
    /// Seconds between the start and the end of the measured phase.
    public var seconds: Double
    /// Calls completed while measuring (for downloads: messages received).
    public var calls: Int
    /// Payload bytes received while measuring.
    public var bytes: Int
    /// Per call: from send (open loop: from the intended send time) to the verified reply.
    /// Downloads: the gap before each message.
    public var latencies: LatencyHistogram
    /// Open loop: how late calls that waited for their time left after it (timer lateness, part of latency).
    public var sendLag: LatencyHistogram
    public var clientCPU: CPUTime
    /// Nil when the server is not our child (`load` against another stack).
    public var serverCPU: CPUTime?
    /// Open-loop rate asked for, if any.
    public var rate: Double?
    /// Measured calls that failed, per status name (`UNAVAILABLE`); not in `calls`.
    public var errors: [String: Int] = [:]

    /// Measured calls that failed.
    public var errorCount: Int { errors.values.reduce(0, +) }

    public var callsPerSecond: Double { seconds > 0 ? Double(calls) / seconds : 0 }
    /// Decimal megabytes (10^6 bytes) of payload per second.
    public var megabytesPerSecond: Double { seconds > 0 ? Double(bytes) / seconds / 1e6 : 0 }
}
