/// What nghttp2 reported while parsing input, recorded by the callbacks and delivered after
/// `nghttp2_session_mem_recv` returns, so that user code never runs inside nghttp2.
///
/// DATA payloads are recorded by position: in the input chunk being parsed when they lie in it
/// (no copy), else copied into a spill buffer. Loop thread only.
struct InboundEvents {
    private var events: [SessionEvent] = []
    private var spareEvents: [SessionEvent] = []
    private var spill: [UInt8] = []
    private var spareSpill: [UInt8] = []
    private var inputBase: UnsafeRawPointer?
    private var inputCount = 0

    var isEmpty: Bool { events.isEmpty }

    /// A parse of `input` begins: DATA positions refer to it until `endParsing()`. (Not a closure
    /// around the parse: the callbacks record into this value while nghttp2 parses.)
    mutating func beginParsing(_ input: UnsafeRawBufferPointer) {
        inputBase = UnsafeRawPointer(input.baseAddress)
        inputCount = input.count
    }

    mutating func endParsing() {
        inputBase = nil
        inputCount = 0
    }

    mutating func append(_ event: SessionEvent) { events.append(event) }

    /// Records DATA payload bytes of `stream`.
    mutating func appendData(stream: Int32, _ data: UnsafeBufferPointer<UInt8>) {
        let raw = UnsafeRawPointer(data.baseAddress!)
        if let base = inputBase, raw >= base, raw + data.count <= base + inputCount {
            events.append(.data(stream: stream, offset: raw - base, count: data.count, spilled: false))
        } else {
            let offset = spill.count
            spill.append(contentsOf: data)
            events.append(.data(stream: stream, offset: offset, count: data.count, spilled: true))
        }
    }

    /// Drops what is recorded (the input was refused as a whole).
    mutating func discard() {
        events.removeAll(keepingCapacity: true)
        spill.removeAll(keepingCapacity: true)
    }

    /// Takes the recorded events and the spill buffer their spilled DATA refers to; events recorded
    /// while they are delivered start a new batch. Give both back with `recycle` (keeps their capacity).
    mutating func take() -> Batch {
        let batch = Batch(events: events, spill: spill)
        events = spareEvents
        spill = spareSpill
        spareEvents = []
        spareSpill = []
        return batch
    }

    /// Keeps the batch's buffers for the next `take`. `batch` must hold the only reference to them
    /// (no copy of it alive): emptying a shared array would allocate a new one.
    mutating func recycle(_ batch: inout Batch) {
        batch.events.removeAll(keepingCapacity: true)
        batch.spill.removeAll(keepingCapacity: true)
        if spareEvents.capacity < batch.events.capacity { swap(&spareEvents, &batch.events) }
        if spareSpill.capacity < batch.spill.capacity { swap(&spareSpill, &batch.spill) }
    }

    /// Events taken for delivery, with the spill buffer their spilled DATA refers to.
    struct Batch {
        var events: [SessionEvent]
        var spill: [UInt8]
    }
}
