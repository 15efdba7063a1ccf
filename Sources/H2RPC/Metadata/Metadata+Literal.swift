extension Metadata: ExpressibleByDictionaryLiteral {
    /// Metadata from a literal, e.g. `["authorization": "Bearer t", "x-user": "ann"]`; entries
    /// keep the literal's order and keys are lower-cased as by ``add(_:_:)``.
    public init(dictionaryLiteral elements: (String, Value)...) {
        self.init()
        for (key, value) in elements {
            switch value {
            case .string(let text): add(key, text)
            case .binary(let bytes): add(key, binary: bytes)
            }
        }
    }
}

extension Metadata.Value: ExpressibleByStringInterpolation {
    /// A text value from a string literal (interpolations included: `"Bearer \(token)"`).
    public init(stringLiteral value: String) {
        self = .string(value)
    }
}
