/// Which load-balancing policy a channel uses (service config `loadBalancingConfig`).
public enum LoadBalancingPolicy: Sendable, Hashable, CustomStringConvertible {
    /// gRPC's default: try the addresses in order and send every call to the first that connects.
    case pickFirst
    /// One connection per address; calls go to the READY ones in turn.
    case roundRobin

    /// The service config name: `pick_first`, `round_robin`.
    public var description: String {
        switch self {
        case .pickFirst: "pick_first"
        case .roundRobin: "round_robin"
        }
    }

    /// The policy named `name` in a service config, or nil when unsupported.
    public init?(configName name: String) {
        switch name {
        case "pick_first": self = .pickFirst
        case "round_robin": self = .roundRobin
        default: return nil
        }
    }
}
