/// One subchannel's connection life: connect, back off after a failure, report IDLE when the
/// backoff is over (the balancer decides whether to reconnect), and go IDLE when a live
/// connection closes. gRPC's connection backoff: 1 s, ×1.6 per failure, ±20 % jitter, 120 s cap;
/// each attempt may take max(backoff, 20 s).
struct SubchannelStateMachine: Sendable {
    /// What the subchannel's owner must do after an event.
    enum Action: Hashable, Sendable {
        /// Open a connection, giving up after `timeout`.
        case startConnecting(timeout: Duration)
        /// Wait `delay`, then call `backoffElapsed()`.
        case scheduleBackoff(Duration)
        /// Close the connection or abandon the attempt (and cancel a scheduled backoff).
        case close
    }

    /// Backoff settings.
    struct Backoff: Sendable, Hashable {
        var initial: Duration = .seconds(1)
        var multiplier = 1.6
        var jitter = 0.2
        var maximum: Duration = .seconds(120)
        var minimumConnectTimeout: Duration = .seconds(20)
    }

    private(set) var state = ConnectivityState.idle
    private let backoff: Backoff
    private var nextBackoff: Duration
    private let random: @Sendable () -> Double

    /// A subchannel in IDLE; `random` gives the jitter factor in -1…1.
    init(backoff: Backoff = Backoff(), random: @escaping @Sendable () -> Double = { Double.random(in: -1...1) }) {
        self.backoff = backoff
        self.nextBackoff = backoff.initial
        self.random = random
    }

    /// The balancer asks to connect: only from IDLE.
    mutating func connect() -> Action? {
        guard state == .idle else { return nil }
        state = .connecting
        return .startConnecting(timeout: max(nextBackoff, backoff.minimumConnectTimeout))
    }

    /// The connection is up (HTTP/2 settings exchanged): READY, backoff reset.
    mutating func connected() {
        guard state == .connecting else { return }
        state = .ready
        nextBackoff = backoff.initial
    }

    /// The attempt failed or timed out: TRANSIENT_FAILURE for a jittered backoff.
    mutating func connectFailed() -> Action? {
        guard state == .connecting else { return nil }
        state = .transientFailure
        let delay = Duration(inSeconds: nextBackoff.inSeconds * (1 + backoff.jitter * random()))
        nextBackoff = min(Duration(inSeconds: nextBackoff.inSeconds * backoff.multiplier), backoff.maximum)
        return .scheduleBackoff(delay)
    }

    /// The backoff is over: IDLE (the balancer may connect again).
    mutating func backoffElapsed() {
        guard state == .transientFailure else { return }
        state = .idle
    }

    /// A READY connection closed (GOAWAY, error, keepalive timeout): IDLE.
    mutating func connectionClosed() {
        guard state == .ready else { return }
        state = .idle
    }

    /// The balancer disconnects it: IDLE, backoff reset.
    mutating func disconnect() -> Action? {
        guard state != .idle, state != .shutdown else { return nil }
        state = .idle
        nextBackoff = backoff.initial
        return .close
    }

    /// Removed for good: SHUTDOWN.
    mutating func shutdown() -> Action? {
        defer { state = .shutdown }
        return state == .idle || state == .shutdown ? nil : .close
    }
}
