public import RPCBenchServer
/// Connects, drives one scenario, disconnects, and turns what was measured into a report row.
public struct ScenarioRunner: Sendable {
    public var client: any BenchClient
    public var target: Target
    /// The server's pid when it is our child: its CPU time and peak RSS are then measured.
    public var serverPID: Int32?
    public var progress: ProgressLine?
    public var connectTimeout: Double = 5

    public init(client: any BenchClient, target: Target, serverPID: Int32? = nil, progress: ProgressLine? = nil) {
        self.client = client
        self.target = target
        self.serverPID = serverPID
        self.progress = progress
    }

    /// - Parameter step: `(n, of)` for the progress line: this is run n of `of`.
    public func run(
        _ plan: LoadPlan, protocolName: String? = nil, step: (Int, Int)? = nil
    ) async throws(BenchError) -> BenchResult {
        try plan.validate()
        let name = protocolName ?? client.kind.rawValue
        let label = (step.map { "[\($0.0)/\($0.1)] " } ?? "") + "\(name) \(plan.scenario.id)"
        progress?.show("\(label)  connecting")
        var connections: [any BenchConnection] = []
        let client = self.client, target = self.target
        do throws(BenchError) {
            for _ in 0..<plan.scenario.connections {
                connections.append(
                    try await withDeadline(
                        seconds: connectTimeout,
                        timeout: .connect("cannot connect to \(target) within \(Int(connectTimeout)) s")
                    ) { () async throws(BenchError) -> any BenchConnection in
                        try await client.connect(to: target)
                    })
            }
            if let serverPID { PeakMemory.resetPeak(of: serverPID) }
            let driver = LoadDriver(
                plan: plan, label: label, peerDescription: "the \(name) server at \(target)",
                serverPID: serverPID, progress: progress)
            let measurement = try await driver.run(connections: connections)
            let rss = serverPID.flatMap(PeakMemory.mebibytes(of:))
            for connection in connections { await connection.close() }
            return BenchResult(protocolName: name, target: target.description, measurement: measurement, serverRSS: rss)
        } catch {
            progress?.clear()
            for connection in connections { await connection.close() }
            throw error
        }
    }
}
