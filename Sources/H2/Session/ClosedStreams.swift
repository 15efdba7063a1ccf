/// The peer-opened streams that closed most recently, with how each ended, so that frames arriving
/// on them afterwards get the answer RFC 9113 §5.1 gives for the "closed" state, whatever the
/// timing (nghttp2 forgets a stream when it closes and then drops such frames without a word).
/// Holds the last `capacity` streams; frames on streams closed before them are dropped as nghttp2
/// does (minimal processing). Loop thread only.
struct ClosedStreams {
    /// How a stream reached "closed".
    enum Ending: Equatable {
        /// The peer sent RST_STREAM: any later frame but PRIORITY is a stream error STREAM_CLOSED.
        case peerReset
        /// We sent RST_STREAM: frames the peer sent before reading it are ignored.
        case localReset
        /// Both sides ended with END_STREAM: later DATA or HEADERS are a connection error
        /// STREAM_CLOSED (as for half-closed (remote)); WINDOW_UPDATE is still checked.
        case ended
    }

    struct Entry {
        var ending: Ending
        /// Our send window on the stream when it closed, for WINDOW_UPDATEs that race the close.
        var sendWindow: Int64
    }

    static let capacity = 128

    private var entries: [Int32: Entry] = [:]
    private var order: [Int32] = []
    private var oldest = 0

    subscript(id: Int32) -> Entry? {
        get { entries[id] }
        set {
            guard let newValue else { return }
            if entries.updateValue(newValue, forKey: id) != nil { return }
            if order.count < Self.capacity {
                order.append(id)
            } else {
                entries.removeValue(forKey: order[oldest])
                order[oldest] = id
                oldest = (oldest + 1) % Self.capacity
            }
        }
    }
}
