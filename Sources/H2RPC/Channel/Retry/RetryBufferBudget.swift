import Synchronization

/// The channel-wide budget for request messages kept for replay on retry (gRFC A6): each call may
/// keep up to `perCallLimit` bytes, all calls together up to `channelLimit`. A call whose messages
/// do not fit stops being retryable (it is committed) and frees what it kept.
final class RetryBufferBudget: Sendable {
    /// Bytes one call may keep (256 KiB, as grpc-go).
    let perCallLimit: Int
    /// Bytes all calls may keep together (16 MiB, as grpc-java).
    let channelLimit: Int
    private let used = Atomic<Int>(0)

    init(perCallLimit: Int = 256 * 1024, channelLimit: Int = 16 * 1024 * 1024) {
        self.perCallLimit = perCallLimit
        self.channelLimit = channelLimit
    }

    /// Bytes kept by all calls now.
    var bytesInUse: Int { used.load(ordering: .relaxed) }

    /// Reserves `bytes` from the channel budget; false (nothing reserved) when it does not fit.
    fileprivate func reserve(_ bytes: Int) -> Bool {
        var current = used.load(ordering: .relaxed)
        while true {
            guard current + bytes <= channelLimit else { return false }
            let (exchanged, original) = used.compareExchange(
                expected: current, desired: current + bytes, ordering: .relaxed)
            if exchanged { return true }
            current = original
        }
    }

    fileprivate func release(_ bytes: Int) {
        used.subtract(bytes, ordering: .relaxed)
    }
}

/// One call's share of the retry buffer: the sizes of the messages it keeps for replay.
struct CallRetryBuffer: ~Copyable {
    private let budget: RetryBufferBudget
    private(set) var bytes = 0
    /// True once a message did not fit: the call is committed and keeps nothing.
    private(set) var overflowed = false

    init(budget: RetryBufferBudget) { self.budget = budget }

    /// Accounts for one more kept message of `size` bytes. Returns false (and frees everything)
    /// when the call's or the channel's limit would be passed; the call is then committed.
    mutating func keep(_ size: Int) -> Bool {
        guard !overflowed else { return false }
        guard bytes + size <= budget.perCallLimit, budget.reserve(size) else {
            overflowed = true
            release()
            return false
        }
        bytes += size
        return true
    }

    /// Frees what the call keeps (the call committed or ended).
    mutating func release() {
        budget.release(bytes)
        bytes = 0
    }

    deinit { budget.release(bytes) }
}
