/// gRPC's keepalive enforcement for the PINGs a client sends a server, as grpc-go's server applies
/// it: a PING that comes sooner than `minInterval` after the previous one (2 hours while no stream
/// is open, unless PINGs without streams are permitted) is a strike, unless we sent DATA or HEADERS
/// since the previous PING (which forgives the strikes so far); the third strike gets GOAWAY
/// ENHANCE_YOUR_CALM "too_many_pings". Times are nanoseconds on the loop's clock. Loop thread only.
struct PingPolicy {
    /// Strikes allowed; one more ends the connection.
    static let maxStrikes = 2
    /// The interval PINGs without open streams must keep when they are not permitted.
    static let intervalWithoutStreams: UInt64 = 2 * 3600 * 1_000_000_000
    /// The debug data of the GOAWAY, which gRPC clients look for (and then slow their keepalive down).
    static let goAwayDebugData = "too_many_pings"

    private let minInterval: UInt64
    private let permitWithoutStreams: Bool
    private var lastPingAt: UInt64?
    private var strikes = 0
    private var outputSincePing = false

    init(minInterval: Duration, permitWithoutStreams: Bool) {
        self.minInterval = minInterval.nanoseconds
        self.permitWithoutStreams = permitWithoutStreams
    }

    /// We sent a DATA or HEADERS frame.
    @inline(__always)
    mutating func outputSent() { outputSincePing = true }

    /// A PING (not an ACK) arrived at `now`; false once the peer has used up its strikes.
    mutating func pingReceived(at now: UInt64, hasStreams: Bool) -> Bool {
        defer { lastPingAt = now }
        if outputSincePing {
            outputSincePing = false
            strikes = 0
            return true
        }
        guard let last = lastPingAt else { return true }
        let interval = hasStreams || permitWithoutStreams ? minInterval : Self.intervalWithoutStreams
        if now &- last < interval { strikes += 1 }
        return strikes <= Self.maxStrikes
    }
}
