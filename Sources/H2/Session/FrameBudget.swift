/// The allowance of frames that cost us work but move nothing forward (empty DATA, PRIORITY,
/// WINDOW_UPDATE, PING, SETTINGS, RST_STREAM, unknown types, empty CONTINUATION, frames on closed
/// streams): at most `limit` more of them than productive events (a stream opened, a HEADERS frame
/// sent; a DATA frame sent counts three: a peer that reads it answers with up to two
/// WINDOW_UPDATEs, stream and connection, and a bandwidth-probing PING, as grpcio does) within each
/// `window`. Past it the peer gets GOAWAY ENHANCE_YOUR_CALM.
/// Times are nanoseconds on the loop's clock. Loop thread only.
struct FrameBudget {
    private let limit: Int
    private let window: UInt64
    private var windowStart: UInt64
    private var spent = 0

    init(limit: Int, window: Duration, now: UInt64) {
        self.limit = limit
        self.window = max(1, window.nanoseconds)
        windowStart = now
    }

    /// Charges one unproductive frame received at `now`; false once the budget is overspent.
    mutating func charge(at now: UInt64) -> Bool {
        if now &- windowStart >= window {
            windowStart = now
            spent = 0
        }
        spent += 1
        return spent <= limit
    }

    /// Productive work gives back `frames` frames of allowance.
    mutating func credit(_ frames: Int = 1) {
        spent = max(0, spent - frames)
    }
}
