/// One HTTP/2 header field. Names are lower-case on the wire; pseudo-headers start with `:`.
public struct H2Header: Sendable, Hashable {
    /// The field name, e.g. `content-type` or `:path`.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An ordered list of header fields: a request or response head, or trailers.
public struct H2Headers: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral,
    CustomStringConvertible
{
    /// The fields in wire order.
    public var fields: [H2Header]

    /// Creates a list from fields.
    public init(_ fields: [H2Header] = []) { self.fields = fields }

    /// Creates a list from `(name, value)` pairs.
    public init(arrayLiteral elements: (String, String)...) {
        fields = elements.map { H2Header($0.0, $0.1) }
    }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> H2Header { fields[position] }

    /// The first value of `name`, if present.
    public subscript(name: String) -> String? {
        fields.first { $0.name == name }?.value
    }

    /// Every value of `name`, in order.
    public func values(of name: String) -> [String] {
        fields.filter { $0.name == name }.map(\.value)
    }

    /// Appends a field.
    public mutating func append(_ name: String, _ value: String) {
        fields.append(H2Header(name, value))
    }

    /// The request method (`:method`).
    public var method: String? { self[":method"] }
    /// The request path (`:path`).
    public var path: String? { self[":path"] }
    /// The response status (`:status`) as a number.
    public var status: Int? { self[":status"].flatMap { Int($0) } }

    /// Bytes these fields count against SETTINGS_MAX_HEADER_LIST_SIZE (RFC 9113 §6.5.2: name + value + 32 each).
    public var listSize: Int { fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count + 32 } }

    public var description: String { fields.map { "\($0.name): \($0.value)" }.joined(separator: ", ") }
}
