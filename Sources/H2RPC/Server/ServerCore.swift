import EventIO
import Logging
import Synchronization

/// What every stream of a server shares: the routing table, limits, interceptors, the count of
/// RPCs in flight. Immutable apart from that counter.
final class ServerCore: Sendable {
    let methods: [String: RPCMethod]
    let serviceNames: Set<String>
    let configuration: RPCServer.Configuration
    let interceptors: [any ServerInterceptor]
    private let inFlight = Atomic<Int>(0)
    /// Handlers suspended in a send because flow control holds their stream. Counted only on that
    /// slow path (a send that has to wait), so that tests can wait for it instead of sleeping.
    let sendersWaiting = WaitableState(0)

    init(services: [any RPCService], interceptors: [any ServerInterceptor], configuration: RPCServer.Configuration) {
        var methods: [String: RPCMethod] = [:]
        var names: Set<String> = []
        for service in services {
            for method in service.methods {
                methods[method.path] = method
                let trimmed = method.path.dropFirst()
                if let slash = trimmed.lastIndex(of: "/") { names.insert(String(trimmed[..<slash])) }
            }
        }
        self.methods = methods
        self.serviceNames = names
        self.configuration = configuration
        self.interceptors = interceptors
    }

    var logger: Logger { configuration.logger }

    /// RPCs currently in flight.
    var activeRPCCount: Int { inFlight.load(ordering: .relaxed) }

    /// Takes a slot for a new RPC; false when `maxConcurrentRPCs` are already running.
    func acquireSlot() -> Bool {
        guard let limit = configuration.maxConcurrentRPCs else {
            inFlight.add(1, ordering: .relaxed)
            return true
        }
        while true {
            let current = inFlight.load(ordering: .relaxed)
            if current >= limit { return false }
            if inFlight.compareExchange(expected: current, desired: current + 1, ordering: .relaxed).exchanged {
                return true
            }
        }
    }

    func releaseSlot() { inFlight.subtract(1, ordering: .relaxed) }

    /// Runs the interceptors around `body`, outermost first.
    func intercept(context: ServerContext, _ body: @escaping () async throws -> Void) async throws {
        var next = body
        for interceptor in interceptors.reversed() {
            let inner = next
            next = { try await interceptor.intercept(context: context, next: inner) }
        }
        try await next()
    }
}
