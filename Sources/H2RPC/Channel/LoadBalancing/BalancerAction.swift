/// A subchannel of a balancer: one address, at most one connection at a time.
struct SubchannelID: Hashable, Sendable, CustomStringConvertible {
    let rawValue: Int
    var description: String { "subchannel \(rawValue)" }
}

/// What a balancer asks its channel to do after an event.
enum BalancerAction: Hashable, Sendable {
    /// Make a subchannel for `address` (not connected yet).
    case createSubchannel(SubchannelID, ResolvedAddress)
    /// Start connecting the subchannel (it is IDLE).
    case connect(SubchannelID)
    /// Close the subchannel's connection or attempt and cancel its backoff; it stays IDLE until
    /// the next `connect`.
    case disconnect(SubchannelID)
    /// Close the subchannel's connection (if any) and forget it.
    case removeSubchannel(SubchannelID)
    /// Ask the resolver for a fresh address list.
    case requestResolution
}

/// What a balancer decides for an event: actions to run, then the channel's new state and picker.
struct BalancerUpdate: Sendable {
    var actions: [BalancerAction]
    var state: ConnectivityState
    var picker: Picker
}

/// The operations the channel drives a balancer with; `pick_first` and `round_robin` implement them.
protocol LoadBalancer: Sendable {
    /// A new address list from the resolver (`[]` is valid and means "nothing to connect to").
    mutating func updateAddresses(_ addresses: [ResolvedAddress]) -> BalancerUpdate
    /// The resolver failed; the balancer keeps its addresses but may report the error.
    mutating func resolutionFailed(_ error: RPCError) -> BalancerUpdate
    /// A subchannel's state changed; `error` says why for TRANSIENT_FAILURE.
    mutating func subchannelStateChanged(
        _ id: SubchannelID, to state: ConnectivityState, error: RPCError?
    ) -> BalancerUpdate
    /// A call wants a connection while the channel is IDLE.
    mutating func exitIdle() -> BalancerUpdate
    /// The channel closes: every subchannel is removed.
    mutating func shutdown() -> [BalancerAction]
}
