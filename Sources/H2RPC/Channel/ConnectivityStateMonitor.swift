/// The current connectivity state and its changes, to any number of subscribers.
///
/// Each subscriber's sequence starts with the state at the time it subscribed, then yields every
/// change (a repeated state is not a change), and ends after `SHUTDOWN`. Subscribers that read
/// slowly see every state in order; nothing is dropped.
public final class ConnectivityStateMonitor: Sendable {
    private let broadcast = StateBroadcast(ConnectivityState.idle) { $0 == .shutdown }

    /// A monitor starting in IDLE.
    public init() {}

    /// The state now.
    public var current: ConnectivityState { broadcast.current }

    /// Moves to `newState` and tells every subscriber; ignored when unchanged or after `SHUTDOWN`.
    /// Returns whether the state changed.
    @discardableResult
    public func update(_ newState: ConnectivityState) -> Bool { broadcast.update(newState) }

    /// The current state, then each change; ends after `SHUTDOWN` or when the consumer stops.
    public func changes() -> AsyncStream<ConnectivityState> { broadcast.subscribe() }
}
