public import RPCBenchServer
public import H2TLS
/// Settings a protocol's client or server may use.
public struct ProtocolSettings: Sendable {
    /// Event-loop threads; nil: the protocol's default.
    public var threads: Int?
    /// How long an idle event loop polls before it blocks; nil: it blocks at once.
    public var busyPoll: Duration?
    /// Connect over TLS with these settings (ALPN h2 for h2 and grpc); nil: plaintext.
    public var tls: TLSClientConfiguration?
    /// gRPC only: the channel's load-balancing policy and service config.
    public var grpcChannel = GRPCChannelOptions()

    public init(threads: Int? = nil, busyPoll: Duration? = nil, tls: TLSClientConfiguration? = nil) {
        self.threads = threads
        self.busyPoll = busyPoll
        self.tls = tls
    }
}

/// The clients and servers of every protocol rpcbench knows.
public enum ProtocolRegistry {
    public static func client(
        _ kind: BenchProtocolKind, settings: ProtocolSettings = .init()
    ) throws(BenchError) -> any BenchClient {
        switch kind {
        case .tcp:
            return try TCPBenchClient(
                threads: settings.threads, busyPoll: settings.busyPoll, tls: try BenchClientTLS.context(settings.tls))
        case .grpc:
            return GRPCBenchClient(busyPoll: settings.busyPoll, tls: settings.tls, channel: settings.grpcChannel)
        case .h2:
            return try H2BenchClient(
                threads: settings.threads, busyPoll: settings.busyPoll, tls: try BenchClientTLS.context(settings.tls))
        }
    }

    /// Why `kind` cannot run `scenario`, or nil when it can.
    public static func limitation(_ kind: BenchProtocolKind, _ scenario: Scenario) -> String? {
        nil
    }
}
