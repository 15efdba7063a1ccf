import CEventIO
import Glibc

/// Socket options applied to listeners, accepted and connected sockets.
public struct SocketOptions: Sendable, Hashable {
    /// TCP keepalive probes: first after `idle` of silence, then every `interval`, giving up after `count`.
    public struct KeepAlive: Sendable, Hashable {
        /// Silence before the first probe (TCP_KEEPIDLE), whole seconds.
        public var idle: Duration
        /// Time between probes (TCP_KEEPINTVL), whole seconds.
        public var interval: Duration
        /// Unanswered probes before the connection is dropped (TCP_KEEPCNT).
        public var count: Int

        /// Creates keepalive settings.
        public init(idle: Duration = .seconds(60), interval: Duration = .seconds(10), count: Int = 6) {
            self.idle = idle
            self.interval = interval
            self.count = count
        }
    }

    /// TCP_NODELAY: send small segments at once (on by default; writes are already batched per loop turn).
    public var noDelay: Bool = true
    /// SO_REUSEADDR on listeners: rebind a port at once after a restart.
    public var reuseAddress: Bool = true
    /// SO_REUSEPORT: one listening socket per loop; the kernel spreads new connections across them.
    public var reusePort: Bool = false
    /// SO_RCVBUF in bytes, or the system default.
    public var receiveBufferSize: Int? = nil
    /// SO_SNDBUF in bytes, or the system default.
    public var sendBufferSize: Int? = nil
    /// TCP keepalive, or off.
    public var keepAlive: KeepAlive? = nil
    /// listen(2) backlog.
    public var backlog: Int = 1024

    /// Options with the defaults described on each property.
    public init() {}

    /// Applies the per-connection options (everything except the listener-only ones).
    func applyToConnection(_ fd: Int32) throws(IOError) {
        if noDelay { try Self.set(fd, Int32(IPPROTO_TCP), TCP_NODELAY, 1, "setsockopt(TCP_NODELAY)") }
        if let size = receiveBufferSize {
            try Self.set(fd, SOL_SOCKET, SO_RCVBUF, Int32(clamping: size), "setsockopt(SO_RCVBUF)")
        }
        if let size = sendBufferSize {
            try Self.set(fd, SOL_SOCKET, SO_SNDBUF, Int32(clamping: size), "setsockopt(SO_SNDBUF)")
        }
        if let keepAlive {
            try Self.set(fd, SOL_SOCKET, SO_KEEPALIVE, 1, "setsockopt(SO_KEEPALIVE)")
            try Self.set(
                fd, Int32(IPPROTO_TCP), TCP_KEEPIDLE, Int32(clamping: max(1, keepAlive.idle.components.seconds)),
                "setsockopt(TCP_KEEPIDLE)")
            try Self.set(
                fd, Int32(IPPROTO_TCP), TCP_KEEPINTVL, Int32(clamping: max(1, keepAlive.interval.components.seconds)),
                "setsockopt(TCP_KEEPINTVL)")
            try Self.set(
                fd, Int32(IPPROTO_TCP), TCP_KEEPCNT, Int32(clamping: max(1, keepAlive.count)), "setsockopt(TCP_KEEPCNT)"
            )
        }
    }

    /// Applies the listener options before bind(2).
    func applyToListener(_ fd: Int32) throws(IOError) {
        if reuseAddress { try Self.set(fd, SOL_SOCKET, SO_REUSEADDR, 1, "setsockopt(SO_REUSEADDR)") }
        if reusePort { try Self.set(fd, SOL_SOCKET, SO_REUSEPORT, 1, "setsockopt(SO_REUSEPORT)") }
        // Accepted sockets inherit the buffer sizes; setting them before listen sizes the TCP window right.
        if let size = receiveBufferSize {
            try Self.set(fd, SOL_SOCKET, SO_RCVBUF, Int32(clamping: size), "setsockopt(SO_RCVBUF)")
        }
        if let size = sendBufferSize {
            try Self.set(fd, SOL_SOCKET, SO_SNDBUF, Int32(clamping: size), "setsockopt(SO_SNDBUF)")
        }
    }

    static func set(
        _ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ operation: StaticString
    ) throws(IOError) {
        var value = value
        _ = try Syscall.call(operation) { setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) }
    }

    /// Reads an integer socket option (for tests and diagnostics).
    static func get(_ fd: Int32, _ level: Int32, _ name: Int32) -> Int32 {
        var value: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, level, name, &value, &length)
        return value
    }
}

/// Socket option names, for reading them back from a connection (`TCPConnection.option(_:)`).
public enum SocketOptionName: Sendable {
    case noDelay, reuseAddress, reusePort, receiveBuffer, sendBuffer, keepAlive, keepAliveIdle, keepAliveInterval,
        keepAliveCount

    var levelAndName: (Int32, Int32) {
        switch self {
        case .noDelay: (Int32(IPPROTO_TCP), TCP_NODELAY)
        case .reuseAddress: (SOL_SOCKET, SO_REUSEADDR)
        case .reusePort: (SOL_SOCKET, SO_REUSEPORT)
        case .receiveBuffer: (SOL_SOCKET, SO_RCVBUF)
        case .sendBuffer: (SOL_SOCKET, SO_SNDBUF)
        case .keepAlive: (SOL_SOCKET, SO_KEEPALIVE)
        case .keepAliveIdle: (Int32(IPPROTO_TCP), TCP_KEEPIDLE)
        case .keepAliveInterval: (Int32(IPPROTO_TCP), TCP_KEEPINTVL)
        case .keepAliveCount: (Int32(IPPROTO_TCP), TCP_KEEPCNT)
        }
    }
}
