/// Splits `.proto` text into tokens and collects comments the way protoc's tokenizer does, so that
/// the doc comments our parser attaches match the `SourceCodeInfo` protoc sends to plugins.
///
/// Comments are only gathered when the parser asks for them (`nextWithComments`, at the end of a
/// declaration); `next()` skips them.
struct Tokenizer {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 0
    private var column = 0
    private(set) var current = Token(kind: .start, text: "", line: 0, column: 0)
    private(set) var previous = Token(kind: .start, text: "", line: 0, column: 0)
    let fileName: String

    init(text: String, fileName: String) {
        self.bytes = Array(text.utf8)
        self.fileName = fileName
    }

    // MARK: characters

    private var char: UInt8 { index < bytes.count ? bytes[index] : 0 }
    private var atEOF: Bool { index >= bytes.count }

    private mutating func advance() {
        guard index < bytes.count else { return }
        let c = bytes[index]
        if c == UInt8(ascii: "\n") {
            line += 1
            column = 0
        } else if c == UInt8(ascii: "\t") {
            column += 8 - (column % 8)
        } else {
            column += 1
        }
        index += 1
    }

    private mutating func tryConsume(_ c: UInt8) -> Bool {
        if !atEOF && char == c {
            advance()
            return true
        }
        return false
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F
    }
    private static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    private static func isHexDigit(_ c: UInt8) -> Bool {
        isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46)
    }
    private static func isWhitespaceNoNewline(_ c: UInt8) -> Bool {
        c == 0x20 || c == 0x09 || c == 0x0D || c == 0x0B || c == 0x0C
    }

    private mutating func skipWhitespaceNoNewline() {
        while !atEOF && Self.isWhitespaceNoNewline(char) { advance() }
    }

    private mutating func skipWhitespace() {
        while !atEOF && (Self.isWhitespaceNoNewline(char) || char == 0x0A) { advance() }
    }

    private func error(_ message: String, line: Int? = nil, column: Int? = nil) -> ProtoGenError {
        ProtoGenError(
            file: fileName, line: (line ?? self.line) + 1, column: (column ?? self.column) + 1, message: message)
    }

    // MARK: comments

    private enum CommentStart { case line, block, slashNotComment, none }

    private mutating func tryConsumeCommentStart() -> CommentStart {
        guard char == UInt8(ascii: "/") else { return .none }
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        if next == UInt8(ascii: "/") {
            advance(); advance()
            return .line
        }
        if next == UInt8(ascii: "*") {
            advance(); advance()
            return .block
        }
        return .slashNotComment
    }

    /// Text after `//` through the end of the line (newline included when present).
    private mutating func consumeLineComment() -> String {
        let start = index
        while !atEOF && char != 0x0A { advance() }
        _ = tryConsume(0x0A)
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    /// Text between `/*` and `*/`; on each later line leading blanks and one `*` are dropped.
    private mutating func consumeBlockComment() throws(ProtoGenError) -> String {
        var content: [UInt8] = []
        var recordStart = index
        while true {
            while !atEOF && char != UInt8(ascii: "*") && char != UInt8(ascii: "/") && char != 0x0A { advance() }
            if tryConsume(0x0A) {
                content += bytes[recordStart..<index]
                skipWhitespaceNoNewline()
                if tryConsume(UInt8(ascii: "*")) && tryConsume(UInt8(ascii: "/")) { break }
                recordStart = index
            } else if char == UInt8(ascii: "*") {
                advance()
                if tryConsume(UInt8(ascii: "/")) {
                    content += bytes[recordStart..<(index - 2)]
                    break
                }
            } else if char == UInt8(ascii: "/") {
                advance()
                if char == UInt8(ascii: "*") {
                    throw error("\"/*\" inside block comment.  Block comments cannot be nested.")
                }
            } else {
                // Reported where the file ends, as protoc does (it adds a note on where the comment started).
                throw error("End-of-file inside block comment.")
            }
        }
        return String(decoding: content, as: UTF8.self)
    }

    // MARK: tokens

    /// Reads the next token, skipping whitespace and comments.
    mutating func next() throws(ProtoGenError) {
        previous = current
        while true {
            skipWhitespace()
            switch tryConsumeCommentStart() {
            case .line:
                _ = consumeLineComment()
                continue
            case .block:
                _ = try consumeBlockComment()
                continue
            case .slashNotComment, .none:
                break
            }
            break
        }
        try readToken()
    }

    private mutating func readToken() throws(ProtoGenError) {
        let startLine = line, startColumn = column, start = index
        func make(_ kind: Token.Kind) -> Token {
            Token(
                kind: kind, text: String(decoding: bytes[start..<index], as: UTF8.self), line: startLine,
                column: startColumn)
        }
        if atEOF {
            current = Token(kind: .end, text: "", line: line, column: column)
            return
        }
        let c = char
        if Self.isLetter(c) {
            while !atEOF && (Self.isLetter(char) || Self.isDigit(char)) { advance() }
            current = make(.identifier)
        } else if Self.isDigit(c)
            || (c == UInt8(ascii: ".") && index + 1 < bytes.count && Self.isDigit(bytes[index + 1]))
        {
            current = make(try readNumber())
        } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
            advance()
            while true {
                if atEOF || char == 0x0A {
                    throw error("String literals cannot cross line boundaries.", line: startLine, column: startColumn)
                }
                if char == UInt8(ascii: "\\") {
                    advance()
                    if atEOF || char == 0x0A {
                        throw error(
                            "String literals cannot cross line boundaries.", line: startLine, column: startColumn)
                    }
                    advance()
                    continue
                }
                if char == c {
                    advance()
                    break
                }
                advance()
            }
            current = make(.string)
        } else {
            if c < 0x20 || c >= 0x7F {
                throw error("Invalid character in input (byte 0x\(String(c, radix: 16, uppercase: true))).")
            }
            advance()
            current = make(.symbol)
        }
    }

    private mutating func readNumber() throws(ProtoGenError) -> Token.Kind {
        var isFloat = false
        if char == UInt8(ascii: "0") && index + 1 < bytes.count && (bytes[index + 1] | 0x20) == UInt8(ascii: "x") {
            advance(); advance()
            guard !atEOF && Self.isHexDigit(char) else { throw error("\"0x\" must be followed by hex digits.") }
            while !atEOF && Self.isHexDigit(char) { advance() }
        } else if char == UInt8(ascii: "0") && index + 1 < bytes.count && Self.isDigit(bytes[index + 1]) {
            advance()
            while !atEOF && Self.isDigit(char) {
                if char > UInt8(ascii: "7") { throw error("Numbers starting with leading zero must be in octal.") }
                advance()
            }
        } else {
            while !atEOF && Self.isDigit(char) { advance() }
            if tryConsume(UInt8(ascii: ".")) {
                isFloat = true
                while !atEOF && Self.isDigit(char) { advance() }
            }
            if !atEOF && (char | 0x20) == UInt8(ascii: "e") {
                isFloat = true
                advance()
                if char == UInt8(ascii: "-") || char == UInt8(ascii: "+") { advance() }
                guard !atEOF && Self.isDigit(char) else { throw error("\"e\" must be followed by exponent.") }
                while !atEOF && Self.isDigit(char) { advance() }
            }
        }
        if !atEOF && (Self.isLetter(char) || Self.isDigit(char)) {
            throw error("Need space between number and identifier.")
        }
        return isFloat ? .float : .integer
    }

    // MARK: comments attached to declarations (protoc's Tokenizer::NextWithComments)

    /// Reads the next token and sorts the comments between the current one and it into the
    /// trailing comment of the current declaration, detached comments, and the leading comment of the next.
    mutating func nextWithComments(
        trailing: inout String, detached: inout [String], leading: inout String
    ) throws(ProtoGenError) {
        var collector = CommentCollector()
        let prevLine = line
        var trailingCommentEndLine = -1

        if current.kind == .start {
            // A UTF-8 byte order mark at the start is ignored.
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
            collector.canAttachToPrev = false
        } else {
            skipWhitespaceNoNewline()
            switch tryConsumeCommentStart() {
            case .line:
                trailingCommentEndLine = line
                collector.bufferForLineComment(&trailing, &detached)
                collector.buffer += consumeLineComment()
                collector.flush(&trailing, &detached)
            case .block:
                collector.bufferForBlockComment(&trailing, &detached)
                collector.buffer += try consumeBlockComment()
                trailingCommentEndLine = line
                skipWhitespaceNoNewline()
                if !tryConsume(0x0A) {
                    collector.clearBuffer()
                    try next()
                    return
                }
                collector.flush(&trailing, &detached)
            case .slashNotComment:
                try next()
                return
            case .none:
                if !tryConsume(0x0A) {
                    try next()
                    return
                }
            }
        }

        while true {
            skipWhitespaceNoNewline()
            switch tryConsumeCommentStart() {
            case .line:
                collector.bufferForLineComment(&trailing, &detached)
                collector.buffer += consumeLineComment()
            case .block:
                collector.bufferForBlockComment(&trailing, &detached)
                collector.buffer += try consumeBlockComment()
                skipWhitespaceNoNewline()
                _ = tryConsume(0x0A)
            case .slashNotComment:
                try next()
                return
            case .none:
                if tryConsume(0x0A) {
                    collector.flush(&trailing, &detached)
                    collector.canAttachToPrev = false
                } else {
                    previous = current
                    try readToken()
                    if current.kind == .end || current.text == "}" || current.text == "]" || current.text == ")" {
                        collector.flush(&trailing, &detached)
                    }
                    if current.kind != .end && (prevLine == current.line || trailingCommentEndLine == current.line) {
                        collector.maybeDetach(&trailing, &detached)
                    }
                    if collector.hasComment { leading = collector.buffer }
                    return
                }
            }
        }
    }
}

/// protoc's CommentCollector: decides which comments belong to the previous declaration.
private struct CommentCollector {
    var buffer = ""
    var hasComment = false
    var isLineComment = false
    var canAttachToPrev = true
    var hasTrailingComment = false
    var numComments = 0

    mutating func bufferForLineComment(_ trailing: inout String, _ detached: inout [String]) {
        if hasComment && !isLineComment { flush(&trailing, &detached) }
        hasComment = true
        isLineComment = true
    }

    mutating func bufferForBlockComment(_ trailing: inout String, _ detached: inout [String]) {
        if hasComment { flush(&trailing, &detached) }
        hasComment = true
        isLineComment = false
    }

    mutating func clearBuffer() {
        buffer = ""
        hasComment = false
    }

    mutating func flush(_ trailing: inout String, _ detached: inout [String]) {
        guard hasComment else { return }
        if canAttachToPrev {
            trailing += buffer
            hasTrailingComment = true
            canAttachToPrev = false
        } else {
            detached.append(buffer)
        }
        clearBuffer()
        numComments += 1
    }

    mutating func maybeDetach(_ trailing: inout String, _ detached: inout [String]) {
        var count = numComments
        if hasComment { count += 1 }
        guard count == 1 else { return }
        if hasTrailingComment {
            detached.insert(trailing, at: 0)
            trailing = ""
        }
        canAttachToPrev = false
        flush(&trailing, &detached)
    }
}
