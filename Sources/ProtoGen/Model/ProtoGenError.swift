/// A problem in `.proto` input, located as `file:line:column` (1-based, as protoc prints them).
///
/// Every bad input the generator can meet — syntax errors, unknown types, duplicate or reserved
/// field numbers, import cycles, missing files — ends in one of these, never a crash.
public struct ProtoGenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name as the generator knows it (relative to its proto path).
    public var file: String
    /// 1-based line of the offending element.
    public var line: Int
    /// 1-based column of the offending element.
    public var column: Int
    /// What is wrong, in protoc's wording where protoc has one.
    public var message: String

    /// Creates an error at a place in a file.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    init(file: String, at position: SourcePosition, _ message: String) {
        self.init(file: file, line: position.line, column: position.column, message: message)
    }

    /// `file:line:column: message`.
    public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// A 1-based place in a `.proto` file. `unknown` (0:0) for descriptors that came from protoc.
struct SourcePosition: Sendable, Hashable {
    var line: Int
    var column: Int
    static let unknown = SourcePosition(line: 0, column: 0)
}
