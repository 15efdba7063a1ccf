import EventIO

/// An opt-in circuit breaker for one target: after enough failures in a sliding window it
/// rejects calls at once with UNAVAILABLE "circuit open" (no network use) for `openDuration`,
/// then lets a few probe calls through; their success closes it, a failure opens it again.
///
/// Use: `let ticket = try breaker.admit()` before the call, `breaker.record(ticket, status:latency:)`
/// after it. State changes are observable through `stateChanges()`. gRPC itself has no circuit
/// breaker; this sits above the call, like retry throttling.
public final class CircuitBreaker: Sendable {
    /// Permission for one call, to hand back to `record` or `abandon`.
    public struct Ticket: Sendable, Hashable {
        let inner: CircuitBreakerStateMachine.Ticket
    }

    /// The settings.
    public let configuration: CircuitBreakerConfiguration
    private let machine: LockedValue<CircuitBreakerStateMachine>
    private let broadcast = StateBroadcast(CircuitState.closed)
    private let now: @Sendable () -> Duration

    /// A closed breaker. `now` gives monotonic time as an offset from any fixed origin (tests
    /// supply their own); by default the continuous clock.
    public init(
        configuration: CircuitBreakerConfiguration = CircuitBreakerConfiguration(),
        now: (@Sendable () -> Duration)? = nil
    ) {
        self.configuration = configuration
        machine = LockedValue(CircuitBreakerStateMachine(configuration: configuration))
        if let now {
            self.now = now
        } else {
            let origin = ContinuousClock.now
            self.now = { ContinuousClock.now - origin }
        }
    }

    /// The state now (an open circuit past its `openDuration` reads as half-open).
    public var state: CircuitState {
        let time = now()
        return broadcast.modify { _ in
            let state = machine.withLock { m in
                m.refresh(at: time)
                return m.state
            }
            return (state, state)
        }
    }

    /// The current state, then each change, for as long as the consumer reads.
    public func stateChanges() -> AsyncStream<CircuitState> { broadcast.subscribe() }

    /// Lets a call through, or rejects it while the circuit is open (or half-open with every probe
    /// slot taken).
    /// - Throws: `RPCError` UNAVAILABLE "circuit open".
    public func admit() throws(RPCError) -> Ticket {
        let time = now()
        let ticket = broadcast.modify { _ in
            machine.withLock { m in
                let ticket = m.admit(at: time)
                return (m.state, ticket)
            }
        }
        guard let ticket else { throw RPCError(code: .unavailable, message: "circuit open") }
        return Ticket(inner: ticket)
    }

    /// Records how an admitted call ended: a failure when `status` is one of the failure codes or
    /// `latency` is above the slow-call threshold.
    public func record(_ ticket: Ticket, status: StatusCode, latency: Duration) {
        let time = now()
        broadcast.modify { _ in
            machine.withLock { m in
                m.record(ticket.inner, failed: m.isFailure(status: status, latency: latency), at: time)
                return (m.state, ())
            }
        }
    }

    /// An admitted call ended without an outcome that says anything about the server (cancelled
    /// by the caller): its half-open probe slot is freed.
    public func abandon(_ ticket: Ticket) {
        machine.withLock { $0.abandon(ticket.inner) }
    }
}
