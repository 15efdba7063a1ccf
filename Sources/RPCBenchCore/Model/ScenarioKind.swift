import RPCBenchServer
/// What a scenario's calls do on the wire.
public enum ScenarioKind: String, Sendable, Hashable, CaseIterable {
    /// One request, one echoed reply (`bench.Echo/Unary`, an HTTP/2 POST, a TCP frame).
    case unary
    /// One long-lived stream per outstanding call; each message waits for its echo (`bench.Echo/PingPong`).
    case pingpong
    /// The server streams `count` messages of `payload` bytes (`bench.Echo/Download`).
    case download
}
