/// Custom metadata of a call: ordered key–value pairs sent as HTTP/2 headers or trailers.
///
/// Keys are lower-cased when added (HTTP/2 forbids upper case). A key ending in `-bin` carries
/// bytes, sent base64-encoded; every other key carries printable ASCII text. A key may occur
/// several times; order is kept. An entry that cannot be sent (a key outside `0-9 a-z _ - .`, a
/// text value outside 0x20…0x7E) fails the call with INTERNAL naming it: see ``validate()``.
public struct Metadata: Sendable, Hashable, Sequence {
    /// One metadata value: text, or bytes for a `-bin` key.
    public enum Value: Sendable, Hashable, CustomStringConvertible {
        /// A text value (printable ASCII on the wire).
        case string(String)
        /// A binary value (a `-bin` key; base64 on the wire).
        case binary([UInt8])

        /// The text, or the bytes as unpadded base64 (the wire form).
        public var description: String {
            switch self {
            case .string(let s): return s
            case .binary(let b): return Base64.encode(b)
            }
        }
    }

    /// One key and value.
    public struct Entry: Sendable, Hashable {
        /// The lower-case key.
        public var key: String
        /// The value.
        public var value: Value
    }

    private var entries: [Entry]

    /// Empty metadata.
    public init() { entries = [] }

    /// Metadata from text pairs, e.g. `Metadata([("x-user", "ann")])`.
    public init(_ elements: [(String, String)]) {
        entries = []
        for (k, v) in elements { add(k, v) }
    }

    /// The number of entries.
    public var count: Int { entries.count }
    /// True when there are no entries.
    public var isEmpty: Bool { entries.isEmpty }

    /// Appends a text value. For a `-bin` key the text's UTF-8 bytes are stored as a binary value.
    public mutating func add(_ key: String, _ value: String) {
        let k = key.lowercased()
        entries.append(Entry(key: k, value: k.hasSuffix("-bin") ? .binary(Array(value.utf8)) : .string(value)))
    }

    /// Appends a binary value; `key` should end in `-bin` (it is suffixed with `-bin` if it does not).
    public mutating func add(_ key: String, binary value: [UInt8]) {
        var k = key.lowercased()
        if !k.hasSuffix("-bin") { k += "-bin" }
        entries.append(Entry(key: k, value: .binary(value)))
    }

    /// Appends an entry as is (after lower-casing its key).
    public mutating func add(_ key: String, value: Value) {
        switch value {
        case .string(let s): add(key, s)
        case .binary(let b): add(key, binary: b)
        }
    }

    /// Appends a received entry whose key HTTP/2 already guarantees lower-case.
    mutating func appendReceived(_ key: String, _ value: Value) {
        entries.append(Entry(key: key, value: value))
    }

    /// Removes every value of `key`.
    public mutating func removeAll(forKey key: String) {
        let k = key.lowercased()
        entries.removeAll { $0.key == k }
    }

    /// All values of `key`, in order.
    public func values(forKey key: String) -> [Value] {
        let k = key.lowercased()
        return entries.lazy.filter { $0.key == k }.map(\.value)
    }

    /// The first text value of `key` (for a `-bin` key: nil; use ``binaryValue(forKey:)``).
    public subscript(key: String) -> String? {
        for case .string(let s) in values(forKey: key) { return s }
        return nil
    }

    /// The first binary value of `key`.
    public func binaryValue(forKey key: String) -> [UInt8]? {
        for case .binary(let b) in values(forKey: key) { return b }
        return nil
    }

    /// Iterates entries in order.
    public func makeIterator() -> IndexingIterator<[Entry]> { entries.makeIterator() }
}
