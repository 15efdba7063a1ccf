/// A channel's or subchannel's connectivity state (gRPC's connectivity semantics).
public enum ConnectivityState: Sendable, Hashable, CustomStringConvertible {
    /// No connection and no attempt, because no call needed one; a call or `connect()` leaves it.
    case idle
    /// Resolving, connecting, or doing the HTTP/2 handshake.
    case connecting
    /// A connection is up and takes calls.
    case ready
    /// An attempt failed; waiting for the backoff to end. Calls without wait-for-ready fail here.
    case transientFailure
    /// Closed by the application; terminal.
    case shutdown

    /// `IDLE`, `CONNECTING`, `READY`, `TRANSIENT_FAILURE`, `SHUTDOWN`.
    public var description: String {
        switch self {
        case .idle: "IDLE"
        case .connecting: "CONNECTING"
        case .ready: "READY"
        case .transientFailure: "TRANSIENT_FAILURE"
        case .shutdown: "SHUTDOWN"
        }
    }
}
