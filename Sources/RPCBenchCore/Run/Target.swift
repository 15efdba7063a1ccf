public import RPCBenchServer
/// Where the server is: `host:port` or `[v6]:port`; for gRPC also any gRPC target string
/// (`ipv4:a:p,a:p`, `dns:///host:port`, `unix:/path`), which the channel resolves itself.
public struct Target: Sendable, Hashable, CustomStringConvertible {
    /// The host (for a gRPC target of several addresses: the first one's; for a Unix socket: its path).
    public var host: String
    /// The port (for a gRPC target of several addresses: the first one's; 0 for a Unix socket).
    public var port: Int
    /// The gRPC target string as given; nil: `host:port`.
    public var channelTarget: String?

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// `host:port` or `[v6]:port`.
    public static func parse(_ text: String) throws(BenchError) -> Target {
        var host = Substring(text)
        var portText: Substring = ""
        if host.hasPrefix("["), let close = host.firstIndex(of: "]") {
            portText = host[host.index(after: close)...].drop(while: { $0 == ":" })
            host = host[host.index(after: host.startIndex)..<close]
        } else if let colon = host.lastIndex(of: ":") {
            portText = host[host.index(after: colon)...]
            host = host[..<colon]
        }
        guard !host.isEmpty, let port = Int(portText), (1...65535).contains(port) else {
            throw .usage("target '\(text)' is not host:port (e.g. 127.0.0.1:50051)")
        }
        return Target(host: String(host), port: port)
    }

    /// What `--target` names for `kind`: any gRPC target string for grpc, `host:port` for the others.
    public static func parse(_ text: String, for kind: BenchProtocolKind) throws(BenchError) -> Target {
        guard kind == .grpc else {
            let lowered = text.lowercased()
            let schemes = ["dns:", "ipv4:", "ipv6:", "unix:", "unix-abstract:"]
            guard !schemes.contains(where: { lowered.hasPrefix($0) }) else {
                throw .usage("target '\(text)': gRPC target strings (ipv4:…,…, dns:///…, unix:…) need --proto grpc")
            }
            return try parse(text)
        }
        return try grpc(text)
    }

    /// The gRPC target string as given, else `host:port` (`[v6]:port`).
    public var description: String {
        channelTarget ?? (host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)")
    }
}
