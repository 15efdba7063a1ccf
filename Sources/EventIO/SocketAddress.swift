import Glibc

/// An IPv4 or IPv6 address with a port, or the path of a Unix-domain socket.
public struct SocketAddress: Sendable, Hashable, CustomStringConvertible {
    enum Storage: Sendable, Hashable {
        /// Address in network byte order.
        case v4(address: UInt32, port: UInt16)
        /// Address bytes as two network-order halves, plus scope id.
        case v6(high: UInt64, low: UInt64, port: UInt16, scope: UInt32)
        /// A filesystem path (empty for an unnamed peer socket).
        case unix(path: String)
    }

    let storage: Storage

    init(storage: Storage) { self.storage = storage }

    /// Parses a numeric IPv4 (`127.0.0.1`) or IPv6 (`::1`, `[::1]`) address; `localhost` means `127.0.0.1`.
    /// Other host names are resolved with `getaddrinfo` (blocking).
    /// - Throws: `IOError` with kind `.invalidAddress` when the host cannot be used.
    public init(host: String, port: Int) throws(IOError) {
        guard (0...65535).contains(port) else {
            throw IOError(.invalidAddress("\(host):\(port)"), operation: "address")
        }
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        if name == "localhost" { name = "127.0.0.1" }
        var v4 = in_addr()
        if inet_pton(AF_INET, name, &v4) == 1 {
            storage = .v4(address: v4.s_addr, port: UInt16(port))
            return
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, name, &v6) == 1 {
            let (high, low) = withUnsafeBytes(of: &v6) { raw in
                (
                    raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                )
            }
            storage = .v6(high: high, low: low, port: UInt16(port), scope: 0)
            return
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(name, nil, &hints, &result) == 0, let first = result else {
            throw IOError(.invalidAddress("\(host):\(port)"), operation: "getaddrinfo")
        }
        defer { freeaddrinfo(result) }
        guard let resolved = SocketAddress(sockaddr: first.pointee.ai_addr) else {
            throw IOError(.invalidAddress("\(host):\(port)"), operation: "getaddrinfo")
        }
        switch resolved.storage {
        case .v4(let address, _): storage = .v4(address: address, port: UInt16(port))
        case .v6(let high, let low, _, let scope): storage = .v6(high: high, low: low, port: UInt16(port), scope: scope)
        case .unix: throw IOError(.invalidAddress("\(host):\(port)"), operation: "getaddrinfo")
        }
    }

    /// The Unix-domain socket at `path` (at most 107 bytes, no NUL).
    /// - Throws: `IOError` with kind `.invalidAddress` when the path is empty, too long or holds a NUL.
    public init(unixPath path: String) throws(IOError) {
        let length = path.utf8.count
        guard length > 0, length < Self.unixPathCapacity, !path.utf8.contains(0) else {
            throw IOError(.invalidAddress("unix:\(path)"), operation: "address")
        }
        storage = .unix(path: path)
    }

    /// Bytes of `sockaddr_un.sun_path`, the terminating NUL included.
    static let unixPathCapacity = MemoryLayout.size(ofValue: sockaddr_un().sun_path)

    /// The socket file's path for a Unix-domain address, else nil.
    public var unixPath: String? {
        if case .unix(let path) = storage { return path }
        return nil
    }

    /// The loopback address 127.0.0.1 with `port`.
    public static func loopback(port: Int) -> SocketAddress {
        SocketAddress(storage: .v4(address: UInt32(0x7F00_0001).bigEndian, port: UInt16(port)))
    }

    /// The port (0 for a Unix-domain address).
    public var port: Int {
        switch storage {
        case .v4(_, let port): return Int(port)
        case .v6(_, _, let port, _): return Int(port)
        case .unix: return 0
        }
    }

    /// True for IPv6.
    public var isIPv6: Bool {
        if case .v6 = storage { return true }
        return false
    }

    /// The numeric host, e.g. `127.0.0.1` or `::1`; the path for a Unix-domain address.
    public var host: String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        switch storage {
        case .unix(let path):
            return path
        case .v4(let address, _):
            var addr = in_addr(s_addr: address)
            inet_ntop(AF_INET, &addr, &text, socklen_t(text.count))
        case .v6(let high, let low, _, _):
            var addr = in6_addr()
            withUnsafeMutableBytes(of: &addr) { raw in
                raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
                raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            }
            inet_ntop(AF_INET6, &addr, &text, socklen_t(text.count))
        }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `127.0.0.1:80`, `[::1]:80` or `unix:/run/app.sock`.
    public var description: String {
        if let unixPath { return "unix:\(unixPath)" }
        return isIPv6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    var family: Int32 {
        switch storage {
        case .v4: AF_INET
        case .v6: AF_INET6
        case .unix: AF_UNIX
        }
    }

    /// Calls `body` with this address as a `sockaddr` and its length.
    func withSockAddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        switch storage {
        case .v4(let address, let port):
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr = in_addr(s_addr: address)
            return withUnsafePointer(to: &sin) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let high, let low, let port, let scope):
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            sin6.sin6_scope_id = scope
            withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
                raw.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
                raw.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
            }
            return withUnsafePointer(to: &sin6) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    body($0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        case .unix(let path):
            var sun = sockaddr_un()
            sun.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8.prefix(Self.unixPathCapacity - 1))
            withUnsafeMutableBytes(of: &sun.sun_path) { raw in raw.copyBytes(from: bytes) }
            let length = MemoryLayout<sa_family_t>.size + bytes.count + 1
            return withUnsafePointer(to: &sun) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(length)) }
            }
        }
    }

    init?(sockaddr pointer: UnsafePointer<sockaddr>?) {
        guard let pointer else { return nil }
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let sin = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_in.self)
            storage = .v4(address: sin.sin_addr.s_addr, port: UInt16(bigEndian: sin.sin_port))
        case AF_INET6:
            let sin6 = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_in6.self)
            var addr = sin6.sin6_addr
            let (high, low) = withUnsafeBytes(of: &addr) { raw in
                (
                    raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                )
            }
            storage = .v6(high: high, low: low, port: UInt16(bigEndian: sin6.sin6_port), scope: sin6.sin6_scope_id)
        case AF_UNIX:
            // Callers pass zeroed sockaddr_storage, so an unnamed socket's path reads as empty.
            let sun = UnsafeRawPointer(pointer).loadUnaligned(as: sockaddr_un.self)
            let path = withUnsafeBytes(of: sun.sun_path) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            storage = .unix(path: path)
        default:
            return nil
        }
    }

    /// The local or remote address of a socket.
    static func of(_ fd: Int32, peer: Bool) -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        return withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                let result = peer ? getpeername(fd, address, &length) : getsockname(fd, address, &length)
                return result == 0 ? SocketAddress(sockaddr: address) : nil
            }
        }
    }
}
