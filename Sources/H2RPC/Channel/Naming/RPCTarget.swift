import Glibc

/// A gRPC target (gRPC's naming document): what a channel connects to and how its addresses are found.
///
/// | form | meaning |
/// |---|---|
/// | `dns:[//dnsserver/]host[:port]` | resolve `host` with the system resolver (every address is used) |
/// | `host[:port]`, `[v6]:port`, unknown scheme | the same as `dns:` with the whole text as `host[:port]` |
/// | `ipv4:addr[:port][,addr[:port]…]` | these numeric IPv4 addresses, in order |
/// | `ipv6:[addr]:port[,…]` or `ipv6:addr` | these numeric IPv6 addresses (brackets needed with a port) |
/// | `unix:path`, `unix:///abs/path` | a Unix socket (relative or absolute; the `//` form is absolute) |
/// | `unix-abstract:name` | a Linux abstract socket |
///
/// A missing port is 443, as in gRPC (`dns`, `ipv4`, `ipv6`). An empty host (`:50051`) is
/// `localhost`, as in grpc-go. Schemes are case-insensitive.
public struct RPCTarget: Sendable, Hashable, CustomStringConvertible {
    /// How the addresses are found.
    public enum Kind: Sendable, Hashable {
        /// Resolve `host` through DNS (getaddrinfo); `dnsServer` is the optional authority, which
        /// the system resolver cannot honour (resolution then fails with `.unsupported`).
        case dns(host: String, port: Int, dnsServer: String?)
        /// Fixed addresses (`ipv4:`, `ipv6:`, `unix:`, `unix-abstract:`), in the order written.
        case addresses([ResolvedAddress])
    }

    /// The port used when a `dns`, `ipv4` or `ipv6` target gives none.
    public static let defaultPort = 443

    /// How the addresses are found.
    public let kind: Kind
    /// The target as written.
    public let text: String

    /// Parses a target.
    /// - Throws: `RPCTargetError` naming the part that is wrong (host, port, path, authority).
    public init(_ text: String) throws(RPCTargetError) {
        self.text = text
        kind = try Self.parse(text)
    }

    /// A DNS target for `host` and `port`.
    public static func dns(host: String, port: Int) -> RPCTarget {
        RPCTarget(
            text: "dns:///\(host.contains(":") ? "[\(host)]" : host):\(port)",
            kind: .dns(host: host, port: port, dnsServer: nil))
    }

    /// A target of fixed addresses.
    public static func addresses(_ addresses: [ResolvedAddress]) -> RPCTarget {
        RPCTarget(text: addresses.map(\.description).joined(separator: ","), kind: .addresses(addresses))
    }

    private init(text: String, kind: Kind) {
        self.text = text
        self.kind = kind
    }

    /// The HTTP/2 `:authority` calls carry: `host:port` as written for DNS, the first address
    /// for IP lists, `localhost` for Unix sockets.
    public var authority: String {
        switch kind {
        case .dns(let host, let port, _):
            return host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        case .addresses(let addresses):
            switch addresses.first {
            case .ipv4(let host, let port): return "\(host):\(port)"
            case .ipv6(let host, let port): return "[\(host)]:\(port)"
            case .unix, .unixAbstract, nil: return "localhost"
            }
        }
    }

    /// The target as written.
    public var description: String { text }

    // MARK: Parsing

    private static func parse(_ target: String) throws(RPCTargetError) -> Kind {
        guard !target.isEmpty else { throw RPCTargetError(target: target, part: .target, text: "", reason: "is empty") }
        guard let colon = target.firstIndex(of: ":") else {
            return try dns(target, hostPort: target)
        }
        let scheme = target[..<colon].lowercased()
        let rest = String(target[target.index(after: colon)...])
        switch scheme {
        case "dns":
            var hostPort = rest
            var dnsServer: String?
            if rest.hasPrefix("//") {
                let afterSlashes = rest.dropFirst(2)
                guard let slash = afterSlashes.firstIndex(of: "/") else {
                    throw RPCTargetError(
                        target: target, part: .host, text: "", reason: "is missing (write dns:///host:port)")
                }
                let authority = String(afterSlashes[..<slash])
                if !authority.isEmpty { dnsServer = authority }
                hostPort = String(afterSlashes[afterSlashes.index(after: slash)...])
            }
            guard !hostPort.isEmpty else {
                throw RPCTargetError(target: target, part: .host, text: "", reason: "is missing")
            }
            let kind = try dns(target, hostPort: hostPort)
            guard case .dns(let host, let port, _) = kind else { return kind }
            return .dns(host: host, port: port, dnsServer: dnsServer)
        case "ipv4", "ipv6":
            let family = scheme == "ipv4" ? AF_INET : AF_INET6
            var addresses: [ResolvedAddress] = []
            for item in rest.split(separator: ",", omittingEmptySubsequences: false) {
                addresses.append(try ipAddress(target, String(item), family: family))
            }
            return .addresses(addresses)
        case "unix":
            var path = rest
            if rest.hasPrefix("//") {
                let afterSlashes = rest.dropFirst(2)
                guard afterSlashes.hasPrefix("/") else {
                    throw RPCTargetError(
                        target: target, part: .authority, text: String(afterSlashes.prefix { $0 != "/" }),
                        reason: "is not allowed (write unix:///absolute/path or unix:relative/path)")
                }
                path = String(afterSlashes)
            }
            guard !path.isEmpty else { throw RPCTargetError(target: target, part: .path, text: "", reason: "is empty") }
            guard !path.utf8.contains(0) else {
                throw RPCTargetError(target: target, part: .path, text: path, reason: "contains a NUL byte")
            }
            return .addresses([.unix(path: path)])
        case "unix-abstract":
            guard !rest.utf8.contains(0) else {
                throw RPCTargetError(target: target, part: .path, text: rest, reason: "contains a NUL byte")
            }
            return .addresses([.unixAbstract(name: rest)])
        default:
            // No known scheme: the whole target is host[:port] for DNS (`localhost:50051`).
            return try dns(target, hostPort: target)
        }
    }

    /// Splits `host[:port]`, `[v6][:port]` or a bare IPv6 literal.
    private static func splitHostPort(
        _ target: String, _ text: String
    ) throws(RPCTargetError) -> (host: String, port: Int) {
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                throw RPCTargetError(target: target, part: .host, text: text, reason: "has no closing ']'")
            }
            let host = String(text[text.index(after: text.startIndex)..<close])
            let after = text[text.index(after: close)...]
            if after.isEmpty { return (host, defaultPort) }
            guard after.hasPrefix(":") else {
                throw RPCTargetError(
                    target: target, part: .port, text: String(after), reason: "must follow ']' after a ':'")
            }
            return (host, try port(target, String(after.dropFirst())))
        }
        let colons = text.utf8.count { $0 == UInt8(ascii: ":") }
        if colons == 0 { return (text, defaultPort) }
        if colons > 1 {
            // A bare IPv6 literal without a port; anything else with several colons is ambiguous.
            guard isAddress(text, family: AF_INET6) else {
                throw RPCTargetError(
                    target: target, part: .host, text: text, reason: "is not an IPv6 address (write [address]:port)")
            }
            return (text, defaultPort)
        }
        let colon = text.firstIndex(of: ":")!
        return (String(text[..<colon]), try port(target, String(text[text.index(after: colon)...])))
    }

    private static func port(_ target: String, _ text: String) throws(RPCTargetError) -> Int {
        guard !text.isEmpty else { throw RPCTargetError(target: target, part: .port, text: text, reason: "is empty") }
        guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }), text.utf8.count <= 5,
            let value = Int(text), (1...65535).contains(value)
        else {
            throw RPCTargetError(target: target, part: .port, text: text, reason: "is not a port number 1…65535")
        }
        return value
    }

    private static func dns(_ target: String, hostPort: String) throws(RPCTargetError) -> Kind {
        var (host, port) = try splitHostPort(target, hostPort)
        if host.isEmpty { host = "localhost" }
        if hostPort.hasPrefix("[") {
            guard isAddress(host, family: AF_INET6) else {
                throw RPCTargetError(target: target, part: .host, text: host, reason: "is not an IPv6 address")
            }
        } else {
            // Host names: letters, digits, '-', '_', '.'; an IPv6 literal was handled by splitHostPort.
            let allowed = host.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
                    UInt8(ascii: ":"), UInt8(ascii: "%"):
                    return true
                default: return false
                }
            }
            guard allowed else {
                throw RPCTargetError(
                    target: target, part: .host, text: host,
                    reason: "is not a host name (letters, digits, '-', '_', '.')")
            }
        }
        return .dns(host: host, port: port, dnsServer: nil)
    }

    private static func ipAddress(
        _ target: String, _ item: String, family: Int32
    ) throws(RPCTargetError) -> ResolvedAddress {
        guard !item.isEmpty else { throw RPCTargetError(target: target, part: .host, text: "", reason: "is empty") }
        let host: String
        let port: Int
        if family == AF_INET {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count <= 2 else {
                throw RPCTargetError(target: target, part: .host, text: item, reason: "is not an IPv4 address[:port]")
            }
            host = String(parts[0])
            port = parts.count == 2 ? try self.port(target, String(parts[1])) : defaultPort
            guard isAddress(host, family: AF_INET) else {
                throw RPCTargetError(target: target, part: .host, text: host, reason: "is not an IPv4 address")
            }
            return .ipv4(host: host, port: port)
        }
        (host, port) = try splitHostPort(target, item)
        guard isAddress(host, family: AF_INET6) else {
            throw RPCTargetError(target: target, part: .host, text: host, reason: "is not an IPv6 address")
        }
        return .ipv6(host: host, port: port)
    }

    /// Whether `text` is a numeric address of `family` (inet_pton; an IPv6 `%zone` suffix is allowed).
    static func isAddress(_ text: String, family: Int32) -> Bool {
        var host = Substring(text)
        if family == AF_INET6, let percent = text.firstIndex(of: "%") {
            guard text.index(after: percent) < text.endIndex else { return false }
            host = text[..<percent]
        }
        var storage = in6_addr()
        return inet_pton(family, String(host), &storage) == 1
    }
}
