public import RPCBenchServer
/// How to drive one scenario.
public struct LoadPlan: Sendable {
    public var scenario: Scenario
    /// Seconds measured.
    public var duration: Double
    /// Seconds run before measuring (connections warm, buffers grown, caches hot).
    public var warmup: Double
    /// Open loop: calls per second in total, spread evenly over the connections. Nil: closed loop.
    public var rate: Double?
    /// Messages each `Download` call asks for.
    public var downloadCount: Int
    /// Longest wait for any reply before the run fails (a peer that speaks another protocol stays silent).
    public var replyTimeout: Double
    /// Measure exactly this many calls (succeeded or failed; for downloads: Download calls) instead
    /// of running for `duration`. Nil: `duration` decides.
    public var calls: Int?

    public init(
        scenario: Scenario, duration: Double, warmup: Double, rate: Double? = nil,
        downloadCount: Int? = nil, replyTimeout: Double = 5, calls: Int? = nil
    ) {
        self.calls = calls
        self.scenario = scenario
        self.duration = duration
        self.warmup = warmup
        self.rate = rate
        // 64 MiB per call by default: long enough that the call's set-up cost vanishes.
        self.downloadCount = downloadCount ?? max(1, (64 << 20) / max(1, scenario.payloadSize))
        self.replyTimeout = replyTimeout
    }

    public func validate() throws(BenchError) {
        try scenario.validate()
        guard duration > 0, duration.isFinite else { throw .usage("--duration must be above 0 seconds") }
        guard warmup >= 0, warmup.isFinite else { throw .usage("--warmup must be 0 or more seconds") }
        if let rate {
            guard rate > 0, rate.isFinite else { throw .usage("--rate must be above 0 calls per second") }
            if scenario.kind == .download {
                throw .unsupported(
                    "scenario \(scenario.id): a download is one long call; --rate applies to unary and pingpong")
            }
        }
        guard downloadCount >= 1 else { throw .usage("--download-count must be at least 1") }
        if let calls, calls < 1 { throw .usage("--calls must be at least 1") }
    }
}
