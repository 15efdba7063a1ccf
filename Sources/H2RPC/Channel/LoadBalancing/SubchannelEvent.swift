/// What a subchannel's connection tells its load balancer.
enum SubchannelEvent: Sendable {
    /// A connection attempt started.
    case connecting
    /// A connection is up.
    case ready
    /// The attempt failed; the next may start after `retryIn` (the connection backoff).
    case failed(RPCError, retryIn: Duration)
    /// An open connection closed or received GOAWAY.
    case lost
}
