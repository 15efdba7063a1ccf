import Glibc

/// A process signal that can stop an ``RPCServer`` gracefully (see ``RPCServer/run(host:port:shutdownSignals:)``).
public struct ShutdownSignal: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The signal number.
    public let rawValue: Int32

    /// Any signal by number, e.g. `ShutdownSignal(rawValue: SIGUSR1)`. SIGKILL and SIGSTOP cannot be caught.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// SIGINT: Ctrl-C in a terminal.
    public static let interrupt = ShutdownSignal(rawValue: SIGINT)
    /// SIGTERM: what `kill`, systemd and container runtimes send to stop a process.
    public static let terminate = ShutdownSignal(rawValue: SIGTERM)
    /// SIGHUP: the terminal went away.
    public static let hangup = ShutdownSignal(rawValue: SIGHUP)

    /// "SIGINT", "SIGTERM", "SIGHUP", or "signal N".
    public var description: String {
        switch rawValue {
        case SIGINT: return "SIGINT"
        case SIGTERM: return "SIGTERM"
        case SIGHUP: return "SIGHUP"
        default: return "signal \(rawValue)"
        }
    }
}
