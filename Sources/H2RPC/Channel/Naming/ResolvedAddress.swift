/// One address a channel can connect to: a numeric IP address with a port, or a Unix socket.
public enum ResolvedAddress: Sendable, Hashable, CustomStringConvertible {
    /// A numeric IPv4 address (`127.0.0.1`) and port.
    case ipv4(host: String, port: Int)
    /// A numeric IPv6 address (`::1`, `fe80::1%eth0`) and port.
    case ipv6(host: String, port: Int)
    /// A Unix domain socket path.
    case unix(path: String)
    /// A Linux abstract socket name (connected to with a leading NUL byte).
    case unixAbstract(name: String)

    /// `127.0.0.1:50051`, `[::1]:50051`, `unix:/run/s.sock`, `unix-abstract:name`.
    public var description: String {
        switch self {
        case .ipv4(let host, let port): "\(host):\(port)"
        case .ipv6(let host, let port): "[\(host)]:\(port)"
        case .unix(let path): "unix:\(path)"
        case .unixAbstract(let name): "unix-abstract:\(name)"
        }
    }

    /// True for IPv6 addresses.
    public var isIPv6: Bool { if case .ipv6 = self { true } else { false } }
}
