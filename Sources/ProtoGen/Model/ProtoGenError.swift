/// A problem in `.proto` input, located as `path:line:column` (1-based, as protoc prints them).
///
/// Every bad input the generator can meet — syntax errors, unknown types, duplicate or reserved
/// field numbers, import cycles, missing files — ends in one of these, never a crash.
public struct ProtoGenError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file name as the generator knows it (relative to its proto path, as in `import` lines).
    public var file: String
    /// Where the file is: an absolute path when it was read from disk; `file` for the built-in
    /// well-known types.
    public var path: String
    /// 1-based line of the offending element.
    public var line: Int
    /// 1-based column of the offending element.
    public var column: Int
    /// What is wrong, in protoc's wording where protoc has one.
    public var message: String

    /// Creates an error at a place in a file; `path` defaults to `file`.
    public init(file: String, path: String? = nil, line: Int, column: Int, message: String) {
        self.file = file
        self.path = path ?? file
        self.line = line
        self.column = column
        self.message = message
    }

    init(file: String, at position: SourcePosition, _ message: String) {
        self.init(file: file, line: position.line, column: position.column, message: message)
    }

    /// `/abs/path/file.proto:line:column: error: message`: the diagnostic form compilers print, which
    /// SwiftPM, Xcode and other IDEs show at the place it names.
    public var description: String { "\(path):\(line):\(column): error: \(message)" }

    /// `file:line:column: message`, as protoc prints it (the name relative to the proto path).
    public var protocDescription: String { "\(file):\(line):\(column): \(message)" }
}

/// Every problem found in the input, in the order found: each file's errors are all reported, not
/// only the first (a syntax error skips to the end of its statement and parsing goes on).
public struct ProtoGenErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The errors, at least one.
    public var errors: [ProtoGenError]

    /// Wraps a non-empty list of errors.
    public init(_ errors: [ProtoGenError]) {
        precondition(!errors.isEmpty, "ProtoGenErrors needs at least one error")
        self.errors = errors
    }

    /// One diagnostic line per error (`ProtoGenError.description`), joined by newlines.
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// A 1-based place in a `.proto` file. `unknown` (0:0) for descriptors that came from protoc.
struct SourcePosition: Sendable, Hashable {
    var line: Int
    var column: Int
    static let unknown = SourcePosition(line: 0, column: 0)
}
