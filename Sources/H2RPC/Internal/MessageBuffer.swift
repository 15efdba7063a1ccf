/// The messages of one call waiting for their reader, then how the sequence ended: a plain value
/// that lives in the state its owner guards (a call keeps it under the same lock as the rest of
/// its shared state, so delivering a message costs one lock and no allocation of its own).
struct MessageBuffer<Element> {
    /// The oldest element while `buffer` is empty: a call with one message never allocates a buffer.
    private var single: Element?
    private var buffer: [Element] = []
    private var readIndex = 0
    /// nil while open; `.some(nil)`: finished cleanly; `.some(error)`: failed.
    private(set) var end: RPCError?? = nil

    /// What `take` found.
    enum Take {
        case element(Element)
        case end(RPCError?)
    }

    init() {}

    /// True once `finish` was called.
    var isFinished: Bool { end != nil }

    /// Adds an element; ignored after `finish`.
    mutating func push(_ element: Element) {
        guard end == nil else { return }
        if single == nil && readIndex == buffer.count {
            single = element
        } else {
            buffer.append(element)
        }
    }

    /// Ends the sequence after the buffered elements (`error == nil`) or with an error, which is
    /// delivered after the elements already buffered. The first call wins; returns whether this one did.
    @discardableResult
    mutating func finish(_ error: RPCError?) -> Bool {
        guard end == nil else { return false }
        end = .some(error)
        return true
    }

    /// The oldest element, else the end once finished, else nil (the reader has to wait).
    mutating func take() -> Take? {
        if let e = single {
            single = nil
            return .element(e)
        }
        if readIndex < buffer.count {
            let e = buffer[readIndex]
            readIndex += 1
            if readIndex == buffer.count {
                buffer.removeAll(keepingCapacity: true)
                readIndex = 0
            }
            return .element(e)
        }
        if let end { return .end(end) }
        return nil
    }
}

extension MessageBuffer: Sendable where Element: Sendable {}
extension MessageBuffer.Take: Sendable where Element: Sendable {}
