import Synchronization

/// The outcome of picking a connection for one call attempt.
enum PickResult: Hashable, Sendable {
    /// Use this READY subchannel.
    case pick(SubchannelID)
    /// Wait for the next picker (the channel is connecting, or waiting for ready).
    case queue
    /// Fail the call with this status (TRANSIENT_FAILURE without wait-for-ready, or SHUTDOWN).
    case fail(RPCError)
}

/// Chooses a subchannel per call attempt; immutable and shared by every call until the balancer
/// replaces it. Round-robin pickers share one atomic counter.
struct Picker: Sendable {
    private enum Kind: Sendable {
        case ready([SubchannelID], RoundRobinCounter)
        case queue
        case transientFailure(RPCError)
        case shutdown
    }
    private let kind: Kind

    /// Every call waits (IDLE, CONNECTING).
    static let queue = Picker(kind: .queue)
    /// Every call fails with UNAVAILABLE (the channel is closed).
    static let shutdown = Picker(kind: .shutdown)

    /// Calls fail with `error` unless they wait for ready.
    static func transientFailure(_ error: RPCError) -> Picker { Picker(kind: .transientFailure(error)) }

    /// Calls go to `subchannels` in turn, starting at `start`.
    static func roundRobin(_ subchannels: [SubchannelID], start: Int = 0) -> Picker {
        precondition(!subchannels.isEmpty, "a ready picker needs a subchannel")
        return Picker(kind: .ready(subchannels, RoundRobinCounter(start: start)))
    }

    private init(kind: Kind) { self.kind = kind }

    /// The picker to install after `current`: `current` itself when both spread calls over the
    /// same READY subchannels, so that a state change elsewhere (a failed subchannel reconnecting)
    /// does not restart the rotation at a random place; else `self`.
    func replacing(_ current: Picker) -> Picker {
        if case .ready(let new, _) = kind, case .ready(let old, _) = current.kind, new == old { return current }
        return self
    }

    /// The number of READY subchannels calls are spread over.
    var readyCount: Int {
        if case .ready(let subchannels, _) = kind { return subchannels.count }
        return 0
    }

    /// The subchannel for one call attempt, or whether to wait or fail.
    /// - Parameter waitForReady: whether the call waits through TRANSIENT_FAILURE instead of failing.
    func pick(waitForReady: Bool) -> PickResult {
        switch kind {
        case .ready(let subchannels, let counter):
            return .pick(subchannels[counter.next() % subchannels.count])
        case .queue:
            return .queue
        case .transientFailure(let error):
            return waitForReady ? .queue : .fail(error)
        case .shutdown:
            return .fail(RPCError(code: .unavailable, message: "channel is shut down"))
        }
    }
}

/// The round-robin position shared by the calls of one picker.
final class RoundRobinCounter: Sendable {
    private let value: Atomic<Int>
    init(start: Int) { value = Atomic(start) }
    /// The next position (never negative).
    func next() -> Int { value.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max }
}
