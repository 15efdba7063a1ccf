/// gRPC's `round_robin`: one subchannel per address, all connected at once; calls go to the READY
/// ones in turn, from a random starting point.
///
/// A subchannel that fails waits for its own backoff, reports IDLE and is reconnected at once; it
/// rejoins the rotation when READY. The channel is READY when any subchannel is, else CONNECTING
/// when any is, else IDLE when any is, else TRANSIENT_FAILURE (with the last connection error).
/// Losing a READY connection, and every subchannel failing, ask for re-resolution.
struct RoundRobinBalancer: LoadBalancer {
    private struct Entry {
        let id: SubchannelID
        let address: ResolvedAddress
        var state: ConnectivityState = .idle
    }

    private var subchannels: [Entry] = []
    private var nextID: Int
    private var lastError = RPCError(code: .unavailable, message: "no addresses resolved yet")
    /// False until the first resolution (addresses or an error): until then calls queue, CONNECTING.
    private var resolved = false
    private let randomStart: @Sendable (Int) -> Int

    /// A balancer whose subchannel ids start at `firstID`; `randomStart(n)` picks the first of `n`
    /// READY subchannels a new picker uses (random by default).
    init(firstID: Int = 0, randomStart: @escaping @Sendable (Int) -> Int = { Int.random(in: 0..<$0) }) {
        nextID = firstID
        self.randomStart = randomStart
    }

    mutating func updateAddresses(_ addresses: [ResolvedAddress]) -> BalancerUpdate {
        resolved = true
        var actions: [BalancerAction] = []
        var kept: [Entry] = []
        for address in addresses where !kept.contains(where: { $0.address == address }) {
            if let existing = subchannels.first(where: { $0.address == address }) {
                kept.append(existing)
            } else {
                let id = SubchannelID(rawValue: nextID)
                nextID += 1
                actions.append(.createSubchannel(id, address))
                actions.append(.connect(id))
                kept.append(Entry(id: id, address: address, state: .connecting))
            }
        }
        for old in subchannels where !kept.contains(where: { $0.id == old.id }) {
            actions.append(.removeSubchannel(old.id))
        }
        subchannels = kept
        if subchannels.isEmpty {
            lastError = RPCError(code: .unavailable, message: "name resolution returned no addresses")
        }
        return current(actions)
    }

    mutating func resolutionFailed(_ error: RPCError) -> BalancerUpdate {
        resolved = true
        lastError = error
        return current([])
    }

    mutating func exitIdle() -> BalancerUpdate {
        var actions: [BalancerAction] = []
        for k in subchannels.indices where subchannels[k].state == .idle {
            actions.append(.connect(subchannels[k].id))
            subchannels[k].state = .connecting
        }
        return current(actions)
    }

    mutating func subchannelStateChanged(
        _ id: SubchannelID, to state: ConnectivityState, error: RPCError?
    ) -> BalancerUpdate {
        guard let index = subchannels.firstIndex(where: { $0.id == id }) else { return current([]) }
        let previous = subchannels[index].state
        subchannels[index].state = state
        if let error { lastError = error }
        var actions: [BalancerAction] = []
        if previous == .ready && state != .ready { actions.append(.requestResolution) }
        if state == .idle {
            // Backoff over or connection lost: reconnect at once.
            actions.append(.connect(id))
            subchannels[index].state = .connecting
        }
        if state == .transientFailure, previous != .transientFailure,
            subchannels.allSatisfy({ $0.state == .transientFailure }), !actions.contains(.requestResolution)
        {
            actions.append(.requestResolution)
        }
        return current(actions)
    }

    mutating func shutdown() -> [BalancerAction] {
        defer { subchannels = [] }
        return subchannels.map { .removeSubchannel($0.id) }
    }

    /// The aggregate state and its picker, with `actions`.
    private func current(_ actions: [BalancerAction]) -> BalancerUpdate {
        let ready = subchannels.filter { $0.state == .ready }.map(\.id)
        if !ready.isEmpty {
            return BalancerUpdate(
                actions: actions, state: .ready, picker: .roundRobin(ready, start: randomStart(ready.count)))
        }
        if !resolved || subchannels.contains(where: { $0.state == .connecting }) {
            return BalancerUpdate(actions: actions, state: .connecting, picker: .queue)
        }
        if subchannels.contains(where: { $0.state == .idle }) {
            return BalancerUpdate(actions: actions, state: .idle, picker: .queue)
        }
        return BalancerUpdate(actions: actions, state: .transientFailure, picker: .transientFailure(lastError))
    }
}
