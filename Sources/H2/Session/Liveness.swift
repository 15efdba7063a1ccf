/// The timing side of one connection: when it started, last read and last had streams, the PINGs
/// in flight, the graceful-shutdown deadline. It decides what the periodic check asks the session
/// to do; it sends nothing itself. Times are nanoseconds on the loop's clock. Loop thread only.
struct Liveness {
    /// What the periodic check asks for.
    enum Action: Equatable {
        case none
        /// Send a keepalive PING (the peer has been silent for the keepalive interval).
        case sendKeepAlivePing
        /// The connection reached its maximum age: GOAWAY, let streams in flight finish within the grace.
        case retire
        /// Close the connection (GOAWAY NO_ERROR); `error` is what open streams and the delegate hear.
        case close(H2Error?)
        /// Close the socket now, without a GOAWAY the peer would not read anyway.
        case abort(H2Error)
    }

    private let configuration: H2Configuration
    private let startedAt: UInt64
    private var lastReadAt: UInt64
    private var lastActiveAt: UInt64
    private var peerSettingsReceived = false
    private var pings: [UInt64: (sentAt: UInt64, completion: (Duration?) -> Void)] = [:]
    private var nextPingID: UInt64 = 1
    private var keepAlivePingID: UInt64 = 0
    private var shutdownDeadline: UInt64 = 0
    /// When a server connection reaches `maxConnectionAge` (with its jitter); 0: never.
    private let retireAt: UInt64
    /// When output waiting for the socket last went down (or there was none), and how much waited then.
    private var outputProgressAt: UInt64
    private var pendingOutput = 0

    init(configuration: H2Configuration, now: UInt64) {
        self.configuration = configuration
        startedAt = now
        lastReadAt = now
        lastActiveAt = now
        outputProgressAt = now
        if let age = configuration.maxConnectionAge?.nanoseconds {
            // ±10 % (as grpc-go): connections opened together (after a restart) do not all go together.
            let jitter = age / 10
            retireAt = max(1, now &+ age &- jitter &+ UInt64.random(in: 0...(2 * jitter)))
        } else {
            retireAt = 0
        }
    }

    /// Output waiting for the socket at `now` (bytes the kernel has not taken): progress when there
    /// is none or less than at the last look.
    mutating func observeOutput(pending: Int, at now: UInt64) {
        if pending == 0 || pending < pendingOutput { outputProgressAt = now }
        pendingOutput = pending
    }

    mutating func didRead(at now: UInt64) { lastReadAt = now }
    /// The last open stream closed.
    mutating func becameIdle(at now: UInt64) { lastActiveAt = now }
    mutating func peerSettingsArrived() { peerSettingsReceived = true }
    /// A graceful shutdown began at `now`; streams in flight get `timeout` (nil: as long as they need).
    mutating func shutdownStarted(at now: UInt64, timeout: Duration?) {
        guard let timeout else { return }
        let deadline = max(1, now &+ timeout.nanoseconds)
        // A second shutdown (the server stops while a connection retires for age) can only shorten it.
        shutdownDeadline = shutdownDeadline == 0 ? deadline : min(shutdownDeadline, deadline)
    }

    /// Records a PING sent at `now`; returns its opaque id.
    mutating func pingSent(
        at now: UInt64, keepAlive: Bool = false, _ completion: @escaping (Duration?) -> Void
    ) -> UInt64 {
        let id = nextPingID
        nextPingID &+= 1
        pings[id] = (now, completion)
        if keepAlive { keepAlivePingID = id }
        return id
    }

    /// The completion of the PING acknowledged with `id`, and its round-trip time.
    mutating func pingAcknowledged(_ id: UInt64, at now: UInt64) -> (completion: (Duration?) -> Void, rtt: Duration)? {
        guard let ping = pings.removeValue(forKey: id) else { return nil }
        return (ping.completion, .nanoseconds(Int64(clamping: now &- ping.sentAt)))
    }

    /// Forgets the PINGs in flight and returns their completions (the connection closed).
    mutating func abandonPings() -> [(Duration?) -> Void] {
        let waiting = pings.values.map(\.completion)
        pings.removeAll()
        return waiting
    }

    /// How often the check runs: a quarter of the shortest limit, 5 ms … 1 s (100 ms at most while going away).
    func checkPeriod(goingAway: Bool) -> Duration {
        var period = Duration.seconds(1)
        for limit in [
            configuration.idleTimeout, configuration.headerReadTimeout, configuration.keepAliveInterval,
            configuration.writeStallTimeout, configuration.maxConnectionAge, configuration.maxConnectionAgeGrace,
            configuration.keepAliveInterval == nil ? nil : configuration.keepAliveTimeout,
        ] {
            if let limit, limit / 4 < period { period = limit / 4 }
        }
        if goingAway { period = min(period, .milliseconds(100)) }
        return max(period, .milliseconds(5))
    }

    /// The periodic check. `oldestHeadStartedAt`: when the oldest incomplete request head began (0: none).
    func check(now: UInt64, isServer: Bool, hasStreams: Bool, oldestHeadStartedAt: UInt64, goingAway: Bool) -> Action {
        if let limit = configuration.headerReadTimeout?.nanoseconds {
            if isServer && !peerSettingsReceived && now &- startedAt > limit {
                return .close(.timedOut("client preface not received"))
            }
            if oldestHeadStartedAt != 0 && now &- oldestHeadStartedAt > limit {
                // A head trickling in (slowloris): the connection is not worth keeping.
                return .close(.timedOut("request head not complete"))
            }
        }
        if let limit = configuration.writeStallTimeout?.nanoseconds, pendingOutput > 0, now &- outputProgressAt > limit
        {
            // The peer has not read for that long while we have output for it (a slow-reader attack).
            return .abort(.timedOut("peer read nothing for \(configuration.writeStallTimeout!) with output pending"))
        }
        if isServer && !goingAway && retireAt != 0 && now >= retireAt {
            return .retire
        }
        if let limit = configuration.idleTimeout?.nanoseconds, !hasStreams, now &- max(lastActiveAt, lastReadAt) > limit
        {
            return .close(nil)
        }
        if let interval = configuration.keepAliveInterval?.nanoseconds {
            if keepAlivePingID != 0, let ping = pings[keepAlivePingID] {
                if now &- ping.sentAt > configuration.keepAliveTimeout.nanoseconds {
                    return .close(.timedOut("keepalive PING not acknowledged"))
                }
            } else if now &- lastReadAt > interval {
                return .sendKeepAlivePing
            }
        }
        if goingAway && shutdownDeadline != 0 && now > shutdownDeadline {
            return .close(.timedOut("graceful shutdown deadline"))
        }
        return .none
    }
}

extension Duration {
    /// Nanoseconds, clamped to 0…UInt64.max.
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) &* 1_000_000_000 &+ UInt64(max(0, attoseconds / 1_000_000_000))
    }
}
