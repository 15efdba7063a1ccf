/// A running server of one protocol.
public protocol BenchServer: AnyObject, Sendable {
    var kind: BenchProtocolKind { get }
    /// The port it listens on (the bound one, when asked for port 0).
    var port: Int { get }
    /// Stops accepting and closes every connection.
    func stop() async
}

/// Limits every protocol here shares.
public enum BenchLimits {
    /// Largest message any protocol here accepts (the TCP framing's limit; gRPC's default is also 4 MiB).
    public static let maxMessage = 4 << 20
    /// What protobuf adds around a payload of `maxMessage` bytes in `bench.Payload` (tag and length).
    public static let messageOverhead = 16
}

/// The servers of every protocol rpcbench knows.
public enum BenchServers {
    /// Starts `kind`'s server on `host:port` (port 0: any free port) with `threads` event loops (nil: one
    /// per core) that poll for `busyPoll` before they block (nil: they block at once), over TLS
    /// with `tls`'s certificate and key when given.
    public static func start(
        _ kind: BenchProtocolKind, host: String, port: Int, threads: Int?, busyPoll: Duration? = nil,
        tls: BenchTLSFiles? = nil
    ) async throws(BenchError) -> any BenchServer {
        switch kind {
        case .tcp:
            return try TCPBenchServer.start(host: host, port: port, threads: threads, busyPoll: busyPoll, tls: tls)
        case .h2:
            return try H2BenchServer.start(host: host, port: port, threads: threads, busyPoll: busyPoll, tls: tls)
        case .grpc:
            return try await GRPCBenchServer.start(
                host: host, port: port, threads: threads, busyPoll: busyPoll, tls: tls)
        }
    }

    /// The busy-poll window for a `--busy-poll-us` value (nil or 0: none).
    public static func busyPoll(microseconds: Int?) -> Duration? {
        guard let microseconds, microseconds > 0 else { return nil }
        return .microseconds(microseconds)
    }
}
