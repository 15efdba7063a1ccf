/// Accumulates generated Swift text with indentation.
struct CodePrinter {
    private(set) var text = ""
    private var indentation = ""

    /// Appends one line at the current indentation (an empty string appends an empty line).
    mutating func line(_ s: String = "") {
        if s.isEmpty {
            text += "\n"
        } else {
            text += indentation + s + "\n"
        }
    }

    /// `header {`, the body one level in, then `}` (or `footer`).
    mutating func block(_ header: String, footer: String = "}", _ body: (inout CodePrinter) -> Void) {
        line(header)
        indent()
        body(&self)
        outdent()
        line(footer)
    }

    /// Deprecation is noted in the docs rather than with `@available`, which would make the generated
    /// code's own uses of the element warn.
    static let deprecatedNote = "/// - Note: Deprecated in the .proto file."

    mutating func indent() { indentation += "    " }
    mutating func outdent() { indentation.removeLast(4) }

    /// `///` lines for a proto element's leading and trailing comments.
    mutating func docComment(_ comments: ProtoComments) {
        var lines = Self.commentLines(comments.leading)
        let trailing = Self.commentLines(comments.trailing)
        if !lines.isEmpty && !trailing.isEmpty { lines.append("") }
        lines += trailing
        for l in lines { line(l.isEmpty ? "///" : "///" + l) }
    }

    private static func commentLines(_ text: String) -> [String] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            var s = Substring(line)
            while let last = s.last, last == " " || last == "\t" || last == "\r" { s = s.dropLast() }
            return String(s)
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        return lines
    }
}
