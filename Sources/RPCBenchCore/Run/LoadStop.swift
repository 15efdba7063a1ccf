import Synchronization

/// Ends a load run from outside (`LoadDriver.stop`): once requested, the run stops within its next
/// progress tick (at most 0.1 s) and reports what it measured, as at the end of its duration.
public final class LoadStop: Sendable {
    private let requested = Atomic<Bool>(false)

    public init() {}

    /// Asks the run to end.
    public func request() { requested.store(true, ordering: .releasing) }

    var isRequested: Bool { requested.load(ordering: .acquiring) }
}
