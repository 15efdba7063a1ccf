/// The loop side of a `FlowGate`: DATA bytes a stream received but has not yet given back as
/// HTTP/2 window, because its reader is more than `FlowGate.highWater` behind. Loop-confined.
struct WithheldWindow {
    private var bytes = 0

    /// `count` bytes of DATA arrived; returns how many to give back now: all of them, or 0 while
    /// withholding. `onDrain` is made (and handed to the gate) only when withholding starts.
    mutating func received(
        _ count: Int, gate: borrowing FlowGate, onDrain: () -> @Sendable () -> Void
    ) -> Int {
        guard bytes > 0 || gate.shouldWithhold else { return count }
        bytes += count
        if bytes == count, !gate.startWithholding(onDrain: onDrain()) { return release() }
        return 0
    }

    /// Everything withheld so far, to give back now.
    mutating func release() -> Int {
        defer { bytes = 0 }
        return bytes
    }
}
