/// gRPC's `pick_first`: try the addresses in order, one at a time; the first to reach READY
/// carries every call and the others are disconnected.
///
/// A subchannel still in its backoff (TRANSIENT_FAILURE) is skipped. After a pass in which every
/// address failed the channel is TRANSIENT_FAILURE ("sticky", gRFC A62): each subchannel
/// reconnects as soon as its own backoff ends (it reports IDLE) until one is READY, and the
/// resolver is asked again after the pass and then after every `subchannels.count` failures.
/// When the READY connection is lost the channel goes IDLE and asks for re-resolution; the next
/// call starts a new pass from the first address. A new address list keeps the READY connection
/// if its address is still listed, and otherwise starts a new pass (unless the channel is IDLE).
struct PickFirstBalancer: LoadBalancer {
    private enum Phase {
        /// Nothing connects until a call comes.
        case idle
        /// A pass: trying `subchannels[index]`.
        case connecting(index: Int)
        /// Every address failed: reconnect each as its backoff ends.
        case transientFailure(failuresSinceResolution: Int)
        /// This subchannel carries the calls.
        case ready(SubchannelID)
    }

    private struct Entry {
        let id: SubchannelID
        let address: ResolvedAddress
        var state: ConnectivityState = .idle
    }

    private var subchannels: [Entry] = []
    private var phase = Phase.idle
    private var nextID: Int
    private var lastError = RPCError(code: .unavailable, message: "no addresses resolved yet")

    /// A balancer whose subchannel ids start at `firstID` (so that a replacement never reuses ids).
    init(firstID: Int = 0) { nextID = firstID }

    mutating func updateAddresses(_ addresses: [ResolvedAddress]) -> BalancerUpdate {
        var actions: [BalancerAction] = []
        var kept: [Entry] = []
        for address in addresses where !kept.contains(where: { $0.address == address }) {
            if let existing = subchannels.first(where: { $0.address == address }) {
                kept.append(existing)
            } else {
                let id = SubchannelID(rawValue: nextID)
                nextID += 1
                actions.append(.createSubchannel(id, address))
                kept.append(Entry(id: id, address: address))
            }
        }
        for old in subchannels where !kept.contains(where: { $0.id == old.id }) {
            actions.append(.removeSubchannel(old.id))
        }
        subchannels = kept
        if subchannels.isEmpty {
            lastError = RPCError(code: .unavailable, message: "name resolution returned no addresses")
            phase = .transientFailure(failuresSinceResolution: 0)
            return current(actions)
        }
        switch phase {
        case .idle:
            return current(actions)
        case .ready(let id) where subchannels.contains(where: { $0.id == id }):
            return current(actions)
        case .ready, .connecting, .transientFailure:
            // The connection in use (if any) is no longer listed: a new pass over the new list.
            for k in subchannels.indices where subchannels[k].state != .idle {
                actions.append(.disconnect(subchannels[k].id))
                subchannels[k].state = .idle
            }
            return advance(from: 0, actions)
        }
    }

    mutating func resolutionFailed(_ error: RPCError) -> BalancerUpdate {
        lastError = error
        if subchannels.isEmpty { phase = .transientFailure(failuresSinceResolution: 0) }
        return current([])
    }

    mutating func exitIdle() -> BalancerUpdate {
        guard case .idle = phase, !subchannels.isEmpty else { return current([]) }
        return advance(from: 0, [])
    }

    mutating func subchannelStateChanged(
        _ id: SubchannelID, to state: ConnectivityState, error: RPCError?
    ) -> BalancerUpdate {
        guard let index = subchannels.firstIndex(where: { $0.id == id }) else { return current([]) }
        subchannels[index].state = state
        if let error { lastError = error }
        switch (phase, state) {
        case (.ready(let selected), _) where selected == id && state != .ready:
            // The connection carrying the calls is gone: IDLE until the next call, and re-resolve.
            phase = .idle
            return current([.requestResolution])
        case (.connecting, .ready), (.transientFailure, .ready), (.idle, .ready):
            // (From IDLE: a call reconnected the subchannel it was given on its own.)
            phase = .ready(id)
            // Disconnect the others (in sticky TRANSIENT_FAILURE several may be connecting).
            var actions: [BalancerAction] = []
            for k in subchannels.indices where k != index {
                actions.append(.disconnect(subchannels[k].id))
                subchannels[k].state = .idle
            }
            return current(actions)
        case (.connecting(let trying), .transientFailure) where trying == index:
            return advance(from: index + 1, [])
        case (.transientFailure(let failures), .transientFailure):
            if failures + 1 >= subchannels.count {
                phase = .transientFailure(failuresSinceResolution: 0)
                return current([.requestResolution])
            }
            phase = .transientFailure(failuresSinceResolution: failures + 1)
            return current([])
        case (.transientFailure, .idle):
            // Its backoff is over: try again at once.
            return current([.connect(id)])
        default:
            return current([])
        }
    }

    mutating func shutdown() -> [BalancerAction] {
        defer { subchannels = [] }
        return subchannels.map { .removeSubchannel($0.id) }
    }

    /// Connects the first subchannel at or after `start` that is not in its backoff; when there is
    /// none the pass is over: sticky TRANSIENT_FAILURE, re-resolution, and every subchannel that
    /// is IDLE already reconnects.
    private mutating func advance(from start: Int, _ actions: [BalancerAction]) -> BalancerUpdate {
        var actions = actions
        if let next = subchannels.indices.first(where: { $0 >= start && subchannels[$0].state != .transientFailure }) {
            phase = .connecting(index: next)
            actions.append(.connect(subchannels[next].id))
            return current(actions)
        }
        phase = .transientFailure(failuresSinceResolution: 0)
        actions.append(.requestResolution)
        return current(actions)
    }

    /// The state and picker of the current phase, with `actions`.
    private func current(_ actions: [BalancerAction]) -> BalancerUpdate {
        switch phase {
        case .idle: BalancerUpdate(actions: actions, state: .idle, picker: .queue)
        case .connecting: BalancerUpdate(actions: actions, state: .connecting, picker: .queue)
        case .transientFailure:
            BalancerUpdate(actions: actions, state: .transientFailure, picker: .transientFailure(lastError))
        case .ready(let id): BalancerUpdate(actions: actions, state: .ready, picker: .roundRobin([id]))
        }
    }
}
