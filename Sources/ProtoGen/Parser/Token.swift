/// One lexical token of a `.proto` file.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// Before the first token is read.
        case start
        case identifier
        /// Integer literal text, as written (`10`, `0x1F`, `017`).
        case integer
        /// Floating-point literal text, as written (`1.5`, `.5`, `1e10`).
        case float
        /// String literal text including its quotes; escapes are decoded by the parser.
        case string
        /// One punctuation character.
        case symbol
        case end
    }

    var kind: Kind
    var text: String
    /// 0-based line, as protoc counts.
    var line: Int
    /// 0-based column (tabs advance to the next multiple of 8, as protoc counts).
    var column: Int

    var position: SourcePosition { SourcePosition(line: line + 1, column: column + 1) }
}
