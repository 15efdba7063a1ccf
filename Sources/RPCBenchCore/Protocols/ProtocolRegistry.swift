public import RPCBenchServer
/// Settings a protocol's client or server may use.
public struct ProtocolSettings: Sendable {
    /// Event-loop threads; nil: the protocol's default.
    public var threads: Int?

    public init(threads: Int? = nil) { self.threads = threads }
}

/// The clients and servers of every protocol rpcbench knows.
public enum ProtocolRegistry {
    public static func client(_ kind: BenchProtocolKind, settings: ProtocolSettings = .init()) throws(BenchError) -> any BenchClient {
        switch kind {
        case .tcp:
            return try TCPBenchClient(threads: settings.threads)
        case .grpc:
            return GRPCBenchClient()
        case .h2:
            return try H2BenchClient(threads: settings.threads)
        }
    }

    /// Why `kind` cannot run `scenario`, or nil when it can.
    public static func limitation(_ kind: BenchProtocolKind, _ scenario: Scenario) -> String? {
        nil
    }
}
