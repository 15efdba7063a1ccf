import Synchronization

/// Ties HTTP/2 flow control to the reader of a call's messages: while more than `highWater` bytes
/// of received messages wait unread, the stream stops giving window back (`consume`), so a fast
/// peer slows down instead of filling memory. The reader calls `taken` for every message it
/// takes; only when the stream is withholding does that cost more than one atomic subtraction.
/// Non-copyable: it lives inline in the call object that both the loop and the reader reach, and
/// allocates nothing until the stream first withholds.
struct FlowGate: ~Copyable, Sendable {
    static let highWater = 1 << 20

    private let buffered = Atomic<Int>(0)
    private let withholding = Atomic<Bool>(false)
    /// The action to run when the reader catches up, set only while the stream withholds. Whoever
    /// exchanges it out of here owns (and releases) the reference.
    private let drain = Atomic<Unmanaged<DrainAction>?>(nil)

    private final class DrainAction: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }

    init() {}

    deinit { drain.exchange(nil, ordering: .acquiring)?.release() }

    /// Forgets the drain action (the stream ended); breaks the reference it holds to the stream.
    func clear() { drain.exchange(nil, ordering: .acquiringAndReleasing)?.release() }

    /// The stream delivered a message of `count` bytes.
    func added(_ count: Int) { buffered.add(count, ordering: .releasing) }

    /// True when the stream should hold back window for new data.
    var shouldWithhold: Bool { buffered.load(ordering: .acquiring) >= Self.highWater }

    /// The stream starts holding back window; `onDrain` runs once when the reader has caught up.
    /// Returns false when the reader caught up meanwhile (then the stream gives the window back itself).
    func startWithholding(onDrain: @escaping @Sendable () -> Void) -> Bool {
        drain.exchange(Unmanaged.passRetained(DrainAction(onDrain)), ordering: .acquiringAndReleasing)?.release()
        withholding.store(true, ordering: .sequentiallyConsistent)
        if buffered.load(ordering: .sequentiallyConsistent) < Self.highWater / 2 {
            return !withholding.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent)
                .exchanged
        }
        return true
    }

    /// The reader took a message of `count` bytes.
    func taken(_ count: Int) {
        let left = buffered.subtract(count, ordering: .sequentiallyConsistent).newValue
        guard left < Self.highWater / 2, withholding.load(ordering: .sequentiallyConsistent) else { return }
        if withholding.compareExchange(expected: true, desired: false, ordering: .sequentiallyConsistent).exchanged {
            drain.exchange(nil, ordering: .acquiringAndReleasing)?.takeRetainedValue().run()
        }
    }
}
