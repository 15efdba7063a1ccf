/// Emits a proto enum as a Swift enum. An open (proto3) enum gets an `unrecognized(Int32)` case, so
/// that values this version does not know survive a decode/encode round trip; a closed (proto2) enum
/// has exactly its declared values (`enum E: Int32, ProtoClosedEnum`), and decoders keep other
/// numbers in unknown fields, as protobuf's C++ and python runtimes do.
struct EnumEmitter {
    let access: String

    /// Case names, one per value: the enum's name stripped as a prefix (`STATUS_PENDING` in `Status`
    /// → `pending`), lower camel case, backticked when a keyword.
    static func caseNames(_ decl: EnumDecl) -> [String] {
        let prefix = decl.name.lowercased().filter { $0 != "_" }
        return decl.values.map { value in
            var name = SwiftNaming.lowerCamel(value.name)
            var stripped = Substring(value.name)
            var matched = 0
            let target = Array(prefix)
            while matched < target.count, let c = stripped.first {
                if c == "_" { stripped = stripped.dropFirst(); continue }
                guard Character(c.lowercased()) == target[matched] else { break }
                stripped = stripped.dropFirst()
                matched += 1
            }
            if matched == target.count {
                while stripped.first == "_" { stripped = stripped.dropFirst() }
                if let first = stripped.first, !first.isNumber { name = SwiftNaming.lowerCamel(String(stripped)) }
            }
            if name == "unrecognized" || name == "rawValue" || name == "init" || name == "allCases" { name += "_" }
            return SwiftNaming.escaped(name)
        }
    }

    func emit(_ decl: EnumDecl, swiftName: String, closed: Bool, into p: inout CodePrinter) {
        if closed { return emitClosed(decl, swiftName: swiftName, into: &p) }
        let names = Self.caseNames(decl)
        let canonical = Self.canonicalIndices(decl)
        p.docComment(decl.comments)
        if decl.deprecated { p.line(CodePrinter.deprecatedNote) }
        p.block("\(access)enum \(swiftName): ProtoEnum {") { p in
            for (i, value) in decl.values.enumerated() where canonical[value.number] == i {
                p.docComment(value.comments)
                if value.deprecated { p.line(CodePrinter.deprecatedNote) }
                p.line("case \(names[i]) // = \(value.number)")
            }
            p.line("/// A number this version of the enum does not name, kept as is.")
            p.line("case unrecognized(Int32)")
            emitAliases(decl, names: names, canonical: canonical, swiftName: swiftName, into: &p)
            p.line()
            p.block("\(access)init(rawValue: Int32) {") { p in
                p.line("switch rawValue {")
                for (i, value) in decl.values.enumerated() where canonical[value.number] == i {
                    p.line("case \(value.number): self = .\(names[i])")
                }
                p.line("default: self = .unrecognized(rawValue)")
                p.line("}")
            }
            p.line()
            p.block("\(access)var rawValue: Int32 {") { p in
                p.line("switch self {")
                for (i, value) in decl.values.enumerated() where canonical[value.number] == i {
                    p.line("case .\(names[i]): \(value.number)")
                }
                p.line("case .unrecognized(let value): value")
                p.line("}")
            }
            emitProtoName(decl, canonical: canonical, into: &p)
        }
    }

    /// `static func protoName(of:)`: the `.proto` name of each number (text format prints it).
    private func emitProtoName(_ decl: EnumDecl, canonical: [Int32: Int], into p: inout CodePrinter) {
        p.line()
        p.line("/// The `.proto` name of `rawValue` (the first declared, for aliases); nil for other numbers.")
        p.block("\(access)static func protoName(of rawValue: Int32) -> String? {") { p in
            p.line("switch rawValue {")
            for (i, value) in decl.values.enumerated() where canonical[value.number] == i {
                p.line("case \(value.number): \"\(value.name)\"")
            }
            p.line("default: nil")
            p.line("}")
        }
        p.line()
        p.line("/// The number of the value named `name` in the `.proto` file (aliases too); nil for other names.")
        p.block("\(access)static func protoValue(named name: String) -> Int32? {") { p in
            p.line("switch name {")
            for value in decl.values { p.line("case \"\(value.name)\": \(value.number)") }
            p.line("default: nil")
            p.line("}")
        }
    }

    /// A closed enum: a raw-value Swift enum, aliases as static constants.
    private func emitClosed(_ decl: EnumDecl, swiftName: String, into p: inout CodePrinter) {
        let names = Self.caseNames(decl)
        let canonical = Self.canonicalIndices(decl)
        p.docComment(decl.comments)
        if !decl.comments.leading.isEmpty || !decl.comments.trailing.isEmpty { p.line("///") }
        p.line("/// Closed (proto2): only the numbers declared here are values. A field of this type that arrives")
        p.line("/// with another number keeps that record in the message's `unknownFields` and stays as it was.")
        if decl.deprecated { p.line(CodePrinter.deprecatedNote) }
        p.block("\(access)enum \(swiftName): Int32, ProtoClosedEnum {") { p in
            for (i, value) in decl.values.enumerated() where canonical[value.number] == i {
                p.docComment(value.comments)
                if value.deprecated { p.line(CodePrinter.deprecatedNote) }
                p.line("case \(names[i]) = \(value.number)")
            }
            emitAliases(decl, names: names, canonical: canonical, swiftName: swiftName, into: &p)
            emitProtoName(decl, canonical: canonical, into: &p)
        }
    }

    /// For each number, the index of the value that first declares it (the Swift case); later values
    /// with the same number (`allow_alias`) become static constants.
    private static func canonicalIndices(_ decl: EnumDecl) -> [Int32: Int] {
        var canonical: [Int32: Int] = [:]
        for (i, value) in decl.values.enumerated() where canonical[value.number] == nil { canonical[value.number] = i }
        return canonical
    }

    /// Aliases as static constants naming their canonical case (open and closed enums alike).
    private func emitAliases(
        _ decl: EnumDecl, names: [String], canonical: [Int32: Int], swiftName: String,
        into p: inout CodePrinter
    ) {
        for (i, value) in decl.values.enumerated() where canonical[value.number] != i {
            p.line()
            p.docComment(value.comments)
            p.line("\(access)static let \(names[i]) = \(swiftName).\(names[canonical[value.number]!])")
        }
    }
}
