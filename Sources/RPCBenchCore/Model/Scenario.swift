public import RPCBenchServer
/// One workload: what each call does, over how many connections, with how many calls in flight on each,
/// and how large each message is. Its id reads `kind-CxN-size` (`unary-1x64-16B`): C connections,
/// N calls outstanding on each connection.
public struct Scenario: Sendable, Hashable, CustomStringConvertible {
    public var kind: ScenarioKind
    public var connections: Int
    /// Calls (or streams) in flight on each connection.
    public var concurrency: Int
    /// Bytes in each message body (for downloads: in each streamed message).
    public var payloadSize: Int

    public init(kind: ScenarioKind, connections: Int, concurrency: Int, payloadSize: Int) {
        self.kind = kind
        self.connections = connections
        self.concurrency = concurrency
        self.payloadSize = payloadSize
    }

    /// `kind-CxN-size`.
    public var id: String { "\(kind.rawValue)-\(connections)x\(concurrency)-\(ByteSize.format(payloadSize))" }
    public var description: String { id }

    /// The standard scenarios, in order: what `compare` runs by default.
    public static let standard: [Scenario] = [
        Scenario(kind: .unary, connections: 1, concurrency: 1, payloadSize: 16),
        Scenario(kind: .unary, connections: 1, concurrency: 64, payloadSize: 16),
        Scenario(kind: .unary, connections: 1, concurrency: 64, payloadSize: 4096),
        Scenario(kind: .pingpong, connections: 1, concurrency: 1, payloadSize: 16),
        Scenario(kind: .download, connections: 1, concurrency: 1, payloadSize: 65536),
        // Large messages: a 1 MiB body each way, one call at a time (copies and allocation per byte).
        Scenario(kind: .unary, connections: 1, concurrency: 1, payloadSize: 1 << 20),
    ]

    /// Largest message any protocol here accepts (the TCP framing's limit, and gRPC's default is 4 MiB).
    public static let maxPayload = BenchLimits.maxMessage

    /// Parses an id such as `unary-1x64-16B`; the error says which part is wrong.
    public static func parse(_ id: String) throws(BenchError) -> Scenario {
        let parts = id.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else {
            throw .usage("scenario '\(id)' is not of the form kind-CxN-size (e.g. unary-1x64-16B)")
        }
        guard let kind = ScenarioKind(rawValue: parts[0]) else {
            let kinds = ScenarioKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw .usage("scenario '\(id)': unknown kind '\(parts[0])' (known: \(kinds))")
        }
        let shape = parts[1].split(separator: "x", omittingEmptySubsequences: false)
        guard shape.count == 2, let c = Int(shape[0]), let n = Int(shape[1]), c >= 1, n >= 1 else {
            throw .usage("scenario '\(id)': '\(parts[1])' is not CONNECTIONSxOUTSTANDING (e.g. 1x64)")
        }
        guard let size = ByteSize.parse(parts[2]) else {
            throw .usage("scenario '\(id)': '\(parts[2])' is not a size (e.g. 16B, 4KiB)")
        }
        let scenario = Scenario(kind: kind, connections: c, concurrency: n, payloadSize: size)
        try scenario.validate()
        return scenario
    }

    /// Rejects shapes no protocol here can run.
    public func validate() throws(BenchError) {
        guard connections >= 1, connections <= 1024 else {
            throw .usage("scenario \(id): connections must be 1…1024")
        }
        guard concurrency >= 1, concurrency <= 10_000 else {
            throw .usage("scenario \(id): outstanding calls per connection must be 1…10000")
        }
        guard payloadSize <= Scenario.maxPayload else {
            throw .usage(
                "scenario \(id): payload above \(ByteSize.format(Scenario.maxPayload)) (the largest message every protocol here accepts)"
            )
        }
        if kind == .download && payloadSize == 0 {
            throw .usage("scenario \(id): a download needs a message size above 0")
        }
    }
}
