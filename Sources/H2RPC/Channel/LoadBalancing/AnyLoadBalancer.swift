/// The channel's balancer, whichever policy it runs.
enum AnyLoadBalancer: Sendable {
    case pickFirst(PickFirstBalancer)
    case roundRobin(RoundRobinBalancer)

    init(_ policy: LoadBalancingPolicy) {
        switch policy {
        case .pickFirst: self = .pickFirst(PickFirstBalancer())
        case .roundRobin: self = .roundRobin(RoundRobinBalancer())
        }
    }

    /// Runs `body` on the balancer inside.
    mutating func with<R>(_ body: (inout any LoadBalancer) -> R) -> R {
        switch self {
        case .pickFirst(let lb):
            var boxed: any LoadBalancer = lb
            defer { self = .pickFirst(boxed as! PickFirstBalancer) }
            return body(&boxed)
        case .roundRobin(let lb):
            var boxed: any LoadBalancer = lb
            defer { self = .roundRobin(boxed as! RoundRobinBalancer) }
            return body(&boxed)
        }
    }
}
