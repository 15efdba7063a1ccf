/// The three ways of carrying the same workload that rpcbench puts side by side.
public enum BenchProtocolKind: String, Sendable, Hashable, CaseIterable {
    /// 4-byte big-endian length + payload on a plain TCP connection (the floor).
    case tcp
    /// Plain HTTP/2 (prior knowledge, no TLS): POST echo and a streaming GET download.
    case h2
    /// gRPC `bench.Echo` over HTTP/2.
    case grpc
}
