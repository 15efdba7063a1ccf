/// Recursive-descent parser for proto2 and proto3 files. Produces a `FileDecl` whose type names
/// are still as written; `Resolver` turns them into full names and `Validator` checks the rest.
///
/// Declarations receive doc comments exactly as protoc attaches them: the comments gathered when
/// the previous declaration ended are the leading comments of the next one that ends with a
/// location (`ConsumeEndOfDeclaration` in protoc's parser).
struct Parser {
    var tokenizer: Tokenizer
    let fileName: String
    private var upcomingDocComments = ""
    private var syntax = ProtoSyntax.proto2
    private var sawPackage = false
    /// Nesting of message definitions; bounded so that hostile input cannot exhaust the stack.
    private var depth = 0
    static let maxNesting = 64
    /// Inside an `extend` block, where map fields are not allowed.
    private var inExtend = false
    /// Errors met so far; after each, the parser skips the rest of the statement and goes on (as protoc does).
    private var errors: [ProtoGenError] = []
    /// The tokenizer could not go on (a lexical error while skipping): parsing stops.
    private var aborted = false

    init(text: String, fileName: String) {
        self.tokenizer = Tokenizer(text: text, fileName: fileName)
        self.fileName = fileName
    }

    /// Parses the whole file.
    /// - Throws: every syntax error of the file (parsing resumes after the statement of each).
    static func parse(text: String, fileName: String) throws(ProtoGenErrors) -> FileDecl {
        var parser = Parser(text: text, fileName: fileName)
        var file = FileDecl(name: fileName)
        do {
            file = try parser.parseFile()
        } catch {
            if !parser.aborted { parser.errors.append(error) }
        }
        if !parser.errors.isEmpty { throw ProtoGenErrors(parser.errors) }
        return file
    }

    // MARK: error recovery

    /// Records `error` and skips the rest of the statement it happened in (protoc's `SkipStatement`):
    /// through the next `;`, or a whole `{ … }` block, or up to (not past) a `}` that closes the
    /// enclosing block. Always moves past the token at `start` so that recovery cannot loop.
    /// - Throws: `error` again when the tokenizer cannot go on; parsing then stops.
    private mutating func recover(from error: ProtoGenError, statementStart start: SourcePosition) throws(ProtoGenError)
    {
        errors.append(error)
        do {
            if current.position == start && current.kind != .end && !lookingAt(";") && !lookingAt("{") {
                try tokenizer.next()
            }
            while current.kind != .end {
                if lookingAt(";") { try tokenizer.next(); return }
                if lookingAt("{") { try tokenizer.next(); try skipRestOfBlock(); return }
                if lookingAt("}") { return }
                try tokenizer.next()
            }
        } catch {
            errors.append(error)
            aborted = true
            throw error
        }
    }

    /// Skips tokens through the `}` that closes the current block.
    private mutating func skipRestOfBlock() throws(ProtoGenError) {
        var depth = 1
        while current.kind != .end {
            if lookingAt("{") { depth += 1 }
            if lookingAt("}") {
                depth -= 1
                if depth == 0 { try tokenizer.next(); return }
            }
            try tokenizer.next()
        }
    }

    // MARK: token helpers

    var current: Token { tokenizer.current }

    func error(_ message: String, at position: SourcePosition? = nil) -> ProtoGenError {
        ProtoGenError(file: fileName, at: position ?? current.position, message)
    }

    func lookingAt(_ text: String) -> Bool {
        (current.kind == .identifier || current.kind == .symbol) && current.text == text
    }

    mutating func tryConsume(_ text: String) throws(ProtoGenError) -> Bool {
        guard lookingAt(text) else { return false }
        try tokenizer.next()
        return true
    }

    mutating func consume(_ text: String, _ message: String? = nil) throws(ProtoGenError) {
        guard try tryConsume(text) else { throw error(message ?? "Expected \"\(text)\".") }
    }

    mutating func consumeIdentifier(_ message: String = "Expected identifier.") throws(ProtoGenError) -> String {
        guard current.kind == .identifier else { throw error(message) }
        let text = current.text
        try tokenizer.next()
        return text
    }

    /// Consumes the token that ends a declaration (`;`, `{` or `}`) and returns the comments that
    /// belong to the declaration it ends.
    @discardableResult
    mutating func consumeEndOfDeclaration(_ text: String) throws(ProtoGenError) -> ProtoComments {
        guard lookingAt(text) else { throw error("Expected \"\(text)\".") }
        var trailing = "", leading = ""
        var detached: [String] = []
        try tokenizer.nextWithComments(trailing: &trailing, detached: &detached, leading: &leading)
        let ownLeading = upcomingDocComments
        upcomingDocComments = leading
        return ProtoComments(leading: ownLeading, trailing: trailing)
    }

    mutating func tryConsumeEndOfDeclaration(_ text: String) throws(ProtoGenError) -> Bool {
        guard lookingAt(text) else { return false }
        try consumeEndOfDeclaration(text)
        return true
    }

    /// `-`? integer literal, as a signed value. Hex and octal allowed.
    mutating func consumeSignedInteger(_ message: String, min: Int64, max: Int64) throws(ProtoGenError) -> Int64 {
        let position = current.position
        let negative = try tryConsume("-")
        guard current.kind == .integer else { throw error(message) }
        guard let magnitude = Self.integerValue(current.text) else { throw error("Integer out of range.") }
        try tokenizer.next()
        if negative {
            guard magnitude <= UInt64(-(min + 1)) + 1 else { throw error("Integer out of range.", at: position) }
            return magnitude == UInt64(Int64.max) + 1 ? Int64.min : -Int64(magnitude)
        }
        guard magnitude <= UInt64(max) else { throw error("Integer out of range.", at: position) }
        return Int64(magnitude)
    }

    /// Value of a decimal, `0x` hex or leading-zero octal literal; nil on overflow of 64 bits.
    static func integerValue(_ text: String) -> UInt64? {
        if text.hasPrefix("0x") || text.hasPrefix("0X") { return UInt64(text.dropFirst(2), radix: 16) }
        if text.count > 1 && text.hasPrefix("0") { return UInt64(text.dropFirst(), radix: 8) }
        return UInt64(text, radix: 10)
    }

    /// One or more adjacent string literals, escapes decoded, concatenated.
    mutating func consumeString(_ message: String = "Expected string.") throws(ProtoGenError) -> [UInt8] {
        guard current.kind == .string else { throw error(message) }
        var bytes: [UInt8] = []
        while current.kind == .string {
            switch StringLiteral.decodeReportingOffset(current.text) {
            case .success(let decoded):
                bytes += decoded
            case .failure(let bad):
                let at = SourcePosition(line: current.position.line, column: current.position.column + bad.offset)
                throw error("Invalid escape sequence in string literal.", at: at)
            }
            try tokenizer.next()
        }
        return bytes
    }

    // MARK: file

    mutating func parseFile() throws(ProtoGenError) -> FileDecl {
        var file = FileDecl(name: fileName)
        var trailing = "", leading = ""
        var detached: [String] = []
        try tokenizer.nextWithComments(trailing: &trailing, detached: &detached, leading: &leading)
        upcomingDocComments = leading

        if lookingAt("syntax") {
            try tokenizer.next()
            try consume("=")
            let position = current.position
            let value = String(decoding: try consumeString("Expected syntax identifier."), as: UTF8.self)
            guard let parsed = ProtoSyntax(rawValue: value) else {
                throw error(
                    "Unrecognized syntax identifier \"\(value)\".  This parser only recognizes \"proto2\" and \"proto3\".",
                    at: position)
            }
            syntax = parsed
            try consumeEndOfDeclaration(";")
        }
        file.syntax = syntax

        while current.kind != .end {
            let start = current.position
            do {
                try parseTopLevelStatement(&file)
            } catch {
                if aborted { throw error }
                try recover(from: error, statementStart: start)
                if lookingAt("}") { try tokenizer.next() }  // an unmatched `}` at top level
            }
        }
        return file
    }

    private mutating func parseTopLevelStatement(_ file: inout FileDecl) throws(ProtoGenError) {
        if try tryConsumeEndOfDeclaration(";") { return }
        if lookingAt("message") {
            file.messages.append(try parseMessage(scope: file.package))
        } else if lookingAt("enum") {
            file.enums.append(try parseEnum(scope: file.package))
        } else if lookingAt("service") {
            file.services.append(try parseService(scope: file.package))
        } else if lookingAt("extend") {
            let (extensions, groups) = try parseExtend(scope: file.package)
            file.extensions += extensions
            file.messages += groups
        } else if lookingAt("import") {
            file.imports.append(try parseImport())
        } else if lookingAt("package") {
            let position = current.position
            try tokenizer.next()
            if sawPackage { throw error("Multiple package definitions.", at: position) }
            sawPackage = true
            var name = try consumeIdentifier()
            while try tryConsume(".") { name += "." + (try consumeIdentifier()) }
            file.package = name
            try consumeEndOfDeclaration(";")
        } else if lookingAt("option") {
            let option = try parseOptionStatement()
            file.options.append(option)
            switch option.name {
            case "swift_prefix": file.swiftPrefix = try option.stringValue(self)
            case "deprecated": file.deprecated = try option.boolValue(self)
            default: break  // Options for other languages and custom options are accepted and ignored.
            }
        } else {
            throw error("Expected top-level statement (e.g. \"message\").")
        }
    }

    private mutating func parseImport() throws(ProtoGenError) -> ImportDecl {
        let position = current.position
        try consume("import")
        var decl = ImportDecl(path: "", position: position)
        if try tryConsume("public") {
            decl.isPublic = true
        } else if try tryConsume("weak") {
            decl.isWeak = true
        }
        decl.path = String(decoding: try consumeString("Expected a string naming the file to import."), as: UTF8.self)
        try consumeEndOfDeclaration(";")
        return decl
    }

    // MARK: messages

    private static func join(_ scope: String, _ name: String) -> String {
        scope.isEmpty ? name : scope + "." + name
    }

    private mutating func parseMessage(scope: String) throws(ProtoGenError) -> MessageDecl {
        try consume("message")
        let position = current.position
        let name = try consumeIdentifier("Expected message name.")
        var message = MessageDecl(name: name, fullName: Self.join(scope, name), position: position)
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxNesting {
            throw error("Messages are nested more than \(Self.maxNesting) levels deep.", at: position)
        }
        message.comments = try consumeEndOfDeclaration("{")
        while !(try tryConsumeEndOfDeclaration("}")) {
            if current.kind == .end { throw error("Reached end of input in message definition (missing '}').") }
            let start = current.position
            do {
                try parseMessageStatement(&message)
            } catch {
                if aborted { throw error }
                try recover(from: error, statementStart: start)
            }
        }
        addSyntheticOneofs(&message)
        return message
    }

    /// proto3 `optional` fields get a one-member oneof named `_field`, after the real oneofs (as protoc does).
    private func addSyntheticOneofs(_ message: inout MessageDecl) {
        for index in message.fields.indices where message.fields[index].proto3Optional {
            var oneofName = "_" + message.fields[index].name
            while message.oneofs.contains(where: { $0.name == oneofName }) { oneofName = "X" + oneofName }
            message.fields[index].oneofIndex = message.oneofs.count
            message.oneofs.append(OneofDecl(name: oneofName, position: message.fields[index].position))
        }
    }

    private mutating func parseMessageStatement(_ message: inout MessageDecl) throws(ProtoGenError) {
        if try tryConsumeEndOfDeclaration(";") { return }
        if lookingAt("message") {
            message.messages.append(try parseMessage(scope: message.fullName))
        } else if lookingAt("enum") {
            message.enums.append(try parseEnum(scope: message.fullName))
        } else if lookingAt("extensions") {
            try tokenizer.next()
            message.extensionRanges += try parseRanges(max: 536_870_911)
            if lookingAt("[") { _ = try parseFieldOptionList() }
            try consumeEndOfDeclaration(";")
        } else if lookingAt("reserved") {
            try parseReserved(ranges: &message.reservedRanges, names: &message.reservedNames, max: 536_870_911)
        } else if lookingAt("extend") {
            let (extensions, groups) = try parseExtend(scope: message.fullName)
            message.extensions += extensions
            message.messages += groups
        } else if lookingAt("option") {
            let option = try parseOptionStatement()
            message.options.append(option)
            if option.name == "deprecated" { message.deprecated = try option.boolValue(self) }
        } else if lookingAt("oneof") {
            try parseOneof(&message)
        } else {
            try parseField(&message, oneofIndex: nil)
        }
    }

    private mutating func parseOneof(_ message: inout MessageDecl) throws(ProtoGenError) {
        let position = current.position
        try consume("oneof")
        let name = try consumeIdentifier("Expected oneof name.")
        let index = message.oneofs.count
        var oneof = OneofDecl(name: name, position: position)
        oneof.comments = try consumeEndOfDeclaration("{")
        message.oneofs.append(oneof)
        while !(try tryConsumeEndOfDeclaration("}")) {
            if current.kind == .end { throw error("Reached end of input in oneof definition (missing '}').") }
            if try tryConsumeEndOfDeclaration(";") { continue }
            if lookingAt("option") {
                message.oneofs[index].options.append(try parseOptionStatement())
                continue
            }
            if lookingAt("required") || lookingAt("optional") || lookingAt("repeated") {
                throw error("Fields in oneofs must not have labels (required / optional / repeated).")
            }
            try parseField(&message, oneofIndex: index)
        }
    }

    private mutating func parseField(_ message: inout MessageDecl, oneofIndex: Int?) throws(ProtoGenError) {
        let position = current.position
        var field = FieldDecl(name: "", number: 0, position: position)
        field.oneofIndex = oneofIndex
        var hasLabel = false
        if try tryConsume("optional") {
            hasLabel = true
            if syntax == .proto3 { field.proto3Optional = true }
        } else if try tryConsume("required") {
            hasLabel = true
            if syntax == .proto3 { throw error("Required fields are not allowed in proto3.", at: position) }
            field.label = .required
        } else if try tryConsume("repeated") {
            hasLabel = true
            field.label = .repeated
        }
        field.typePosition = current.position
        var mapTypes: (key: (FieldType?, String, SourcePosition), value: (FieldType?, String, SourcePosition))?
        if lookingAt("group") {
            // Checked where protoc's descriptor validation reports it: at the type.
            if syntax == .proto3 { throw error("Groups are not supported in proto3 syntax.") }
            try tokenizer.next()
            field.type = .group
        } else if lookingAt("map") {
            try tokenizer.next()
            if lookingAt("<") {
                if inExtend { throw error("Map fields are not allowed to be extensions.") }
                if hasLabel {
                    throw error(
                        "Field labels (required/optional/repeated) are not allowed on map fields.", at: position)
                }
                if oneofIndex != nil { throw error("Map fields are not allowed in oneofs.", at: position) }
                try tokenizer.next()
                let key = try parseType()
                try consume(",")
                let value = try parseType()
                try consume(">")
                mapTypes = (key, value)
            } else {
                // A message named `map`, possibly qualified.
                var name = "map"
                while try tryConsume(".") { name += "." + (try consumeIdentifier()) }
                field.typeName = name
            }
        } else {
            let (type, name, _) = try parseType()
            field.type = type
            field.typeName = name
        }
        if !hasLabel && syntax == .proto2 && mapTypes == nil && oneofIndex == nil {
            throw error("Expected \"required\", \"optional\", or \"repeated\".", at: position)
        }

        field.namePosition = current.position
        field.name = try consumeIdentifier("Expected field name.")
        if field.type == .group {
            // A group declares a nested message named as written and a field named in lower case.
            if let first = field.name.unicodeScalars.first, !("A"..."Z").contains(first) {
                throw error("Group names must start with a capital letter.", at: field.namePosition)
            }
        }
        try consume("=", "Missing field number.")
        field.numberPosition = current.position
        guard current.kind == .integer else { throw error("Expected field number.") }
        guard let number = Self.integerValue(current.text), number <= UInt64(Int32.max) else {
            throw error("Integer out of range.")
        }
        field.number = Int(number)
        try tokenizer.next()

        if lookingAt("[") {
            for option in try parseFieldOptionList() {
                if option.name != "default" && option.name != "json_name" { field.options.append(option) }
                switch option.name {
                case "packed": field.packed = try option.boolValue(self)
                case "deprecated": field.deprecated = try option.boolValue(self)
                case "json_name": field.jsonName = try option.stringValue(self)
                case "default":
                    if syntax == .proto3 {
                        throw error("Explicit default values are not allowed in proto3.", at: option.valuePosition)
                    }
                    if field.label == .repeated {
                        throw error("Repeated fields can't have default values.", at: option.position)
                    }
                    if field.type == .string, case .string(let bytes) = option.value {
                        field.defaultValue = String(decoding: bytes, as: UTF8.self)
                    } else {
                        field.defaultValue = option.value.descriptorText
                    }
                default: break  // lazy, ctype, jstype and custom options: accepted and ignored.
                }
            }
        }
        if field.type == .group {
            try parseGroupBody(&field, into: &message)
            return
        }
        field.comments = try consumeEndOfDeclaration(";")

        if let mapTypes {
            let entryName = Self.mapEntryName(field.name)
            var entry = MessageDecl(name: entryName, fullName: message.fullName + "." + entryName, position: position)
            entry.isMapEntry = true
            var key = FieldDecl(name: "key", number: 1, type: mapTypes.key.0, typeName: mapTypes.key.1)
            key.typePosition = mapTypes.key.2
            key.position = position
            var value = FieldDecl(name: "value", number: 2, type: mapTypes.value.0, typeName: mapTypes.value.1)
            value.typePosition = mapTypes.value.2
            value.position = position
            entry.fields = [key, value]
            message.messages.append(entry)
            field.label = .repeated
            field.type = .message
            field.typeName = "." + entry.fullName
        }
        message.fields.append(field)
    }

    /// The `{ fields }` of a group whose field part is parsed: the body becomes a message type nested
    /// where the field is declared, and the field (renamed in lower case, as protoc does) refers to it.
    /// The declaration's comments belong to the message, as protoc records them.
    private mutating func parseGroupBody(
        _ field: inout FieldDecl, into message: inout MessageDecl
    ) throws(ProtoGenError) {
        let name = field.name
        guard lookingAt("{") else { throw error("Missing group body.") }
        var group = MessageDecl(name: name, fullName: Self.join(message.fullName, name), position: field.namePosition)
        depth += 1
        defer { depth -= 1 }
        if depth > Self.maxNesting {
            throw error("Messages are nested more than \(Self.maxNesting) levels deep.", at: field.namePosition)
        }
        group.comments = try consumeEndOfDeclaration("{")
        let wasInExtend = inExtend
        inExtend = false
        defer { inExtend = wasInExtend }
        while !(try tryConsumeEndOfDeclaration("}")) {
            if current.kind == .end { throw error("Reached end of input in message definition (missing '}').") }
            try parseMessageStatement(&group)
        }
        field.name = String(name.map { $0.isASCII ? Character($0.lowercased()) : $0 })
        field.typeName = "." + group.fullName
        message.messages.append(group)
        message.fields.append(field)
    }

    /// `CamelCase(field) + "Entry"`, as protoc names a map field's entry type.
    static func mapEntryName(_ fieldName: String) -> String {
        var result = ""
        var capitalizeNext = true
        for c in fieldName {
            if c == "_" {
                capitalizeNext = true
            } else if capitalizeNext {
                result += c.isASCII && c.isLowercase ? c.uppercased() : String(c)
                capitalizeNext = false
            } else {
                result.append(c)
            }
        }
        return result + "Entry"
    }

    /// A scalar keyword or a (possibly dotted, possibly absolute) type name.
    private mutating func parseType() throws(ProtoGenError) -> (FieldType?, String, SourcePosition) {
        let position = current.position
        if current.kind == .identifier, let scalar = FieldType.scalarKeywords[current.text] {
            try tokenizer.next()
            return (scalar, "", position)
        }
        var name = ""
        if try tryConsume(".") { name = "." }
        name += try consumeIdentifier("Expected type name.")
        while try tryConsume(".") { name += "." + (try consumeIdentifier()) }
        return (nil, name, position)
    }

    private mutating func parseRanges(max: Int64) throws(ProtoGenError) -> [ClosedRange<Int>] {
        var ranges: [ClosedRange<Int>] = []
        repeat {
            let position = current.position
            let start = try consumeSignedInteger(
                "Expected field number range.", min: Int64(Int32.min), max: Int64(Int32.max))
            var end = start
            if try tryConsume("to") {
                if try tryConsume("max") {
                    end = max
                } else {
                    end = try consumeSignedInteger("Expected integer.", min: Int64(Int32.min), max: Int64(Int32.max))
                }
            }
            guard start <= end else {
                throw error("Reserved range end number must be greater than start number.", at: position)
            }
            ranges.append(Int(start)...Int(end))
        } while try tryConsume(",")
        return ranges
    }

    private mutating func parseReserved(
        ranges: inout [ClosedRange<Int>], names: inout [String], max: Int64
    ) throws(ProtoGenError) {
        try consume("reserved")
        if current.kind == .string {
            repeat {
                names.append(String(decoding: try consumeString(), as: UTF8.self))
            } while try tryConsume(",")
        } else {
            ranges += try parseRanges(max: max)
        }
        try consumeEndOfDeclaration(";")
    }

    /// `extend Foo { fields }` (custom options and proto2 extensions). Returns the extension fields,
    /// and the message types its group fields declare: they belong to the enclosing scope, as in protoc.
    private mutating func parseExtend(scope: String) throws(ProtoGenError) -> ([FieldDecl], [MessageDecl]) {
        try consume("extend")
        let (_, extendee, position) = try parseType()
        try consumeEndOfDeclaration("{")
        var scratch = MessageDecl(name: "", fullName: scope)
        inExtend = true
        defer { inExtend = false }
        while !(try tryConsumeEndOfDeclaration("}")) {
            if current.kind == .end { throw error("Reached end of input in extend definition (missing '}').") }
            if try tryConsumeEndOfDeclaration(";") { continue }
            try parseField(&scratch, oneofIndex: nil)
            scratch.fields[scratch.fields.count - 1].extendee = extendee
            scratch.fields[scratch.fields.count - 1].extendeePosition = position
        }
        return (scratch.fields, scratch.messages)
    }

    // MARK: enums

    private mutating func parseEnum(scope: String) throws(ProtoGenError) -> EnumDecl {
        try consume("enum")
        let position = current.position
        let name = try consumeIdentifier("Expected enum name.")
        var decl = EnumDecl(name: name, fullName: Self.join(scope, name), position: position)
        decl.comments = try consumeEndOfDeclaration("{")
        while !(try tryConsumeEndOfDeclaration("}")) {
            if current.kind == .end { throw error("Reached end of input in enum definition (missing '}').") }
            if try tryConsumeEndOfDeclaration(";") { continue }
            if lookingAt("option") {
                let option = try parseOptionStatement()
                decl.options.append(option)
                switch option.name {
                case "allow_alias": decl.allowAlias = try option.boolValue(self)
                case "deprecated": decl.deprecated = try option.boolValue(self)
                default: break
                }
            } else if lookingAt("reserved") {
                try parseReserved(ranges: &decl.reservedRanges, names: &decl.reservedNames, max: Int64(Int32.max))
            } else {
                let valuePosition = current.position
                let valueName = try consumeIdentifier("Expected enum constant name.")
                try consume("=", "Missing numeric value for enum constant.")
                let numberPosition = current.position
                let number = try consumeSignedInteger("Expected integer.", min: Int64(Int32.min), max: Int64(Int32.max))
                var value = EnumValueDecl(name: valueName, number: Int32(number), position: valuePosition)
                value.numberPosition = numberPosition
                if lookingAt("[") {
                    value.options = try parseFieldOptionList()
                    for option in value.options where option.name == "deprecated" {
                        value.deprecated = try option.boolValue(self)
                    }
                }
                value.comments = try consumeEndOfDeclaration(";")
                decl.values.append(value)
            }
        }
        return decl
    }

    // MARK: services

    private mutating func parseService(scope: String) throws(ProtoGenError) -> ServiceDecl {
        try consume("service")
        let position = current.position
        let name = try consumeIdentifier("Expected service name.")
        var service = ServiceDecl(name: name, fullName: Self.join(scope, name), position: position)
        service.comments = try consumeEndOfDeclaration("{")
        while !(try tryConsumeEndOfDeclaration("}")) {
            if current.kind == .end { throw error("Reached end of input in service definition (missing '}').") }
            if try tryConsumeEndOfDeclaration(";") { continue }
            if lookingAt("option") {
                let option = try parseOptionStatement()
                service.options.append(option)
                if option.name == "deprecated" { service.deprecated = try option.boolValue(self) }
            } else if lookingAt("rpc") {
                service.methods.append(try parseMethod())
            } else {
                throw error("Expected \"rpc\".")
            }
        }
        return service
    }

    private mutating func parseMethod() throws(ProtoGenError) -> MethodDecl {
        try consume("rpc")
        let position = current.position
        let name = try consumeIdentifier("Expected method name.")
        var method = MethodDecl(name: name, inputType: "", outputType: "", position: position)
        try consume("(")
        if lookingAt("stream") {
            try tokenizer.next()
            method.clientStreaming = true
        }
        method.inputPosition = current.position
        let input = try parseType()
        if input.0 != nil { throw error("Expected message type.", at: input.2) }
        method.inputType = input.1
        try consume(")")
        try consume("returns")
        try consume("(")
        if lookingAt("stream") {
            try tokenizer.next()
            method.serverStreaming = true
        }
        method.outputPosition = current.position
        let output = try parseType()
        if output.0 != nil { throw error("Expected message type.", at: output.2) }
        method.outputType = output.1
        try consume(")")
        if lookingAt("{") {
            method.hasBody = true
            method.comments = try consumeEndOfDeclaration("{")
            while !(try tryConsumeEndOfDeclaration("}")) {
                if current.kind == .end { throw error("Reached end of input in method options (missing '}').") }
                if try tryConsumeEndOfDeclaration(";") { continue }
                let option = try parseOptionStatement()
                method.options.append(option)
                if option.name == "deprecated" { method.deprecated = try option.boolValue(self) }
            }
        } else {
            method.comments = try consumeEndOfDeclaration(";")
        }
        return method
    }

    // MARK: options

    /// `option name = value;`
    private mutating func parseOptionStatement() throws(ProtoGenError) -> ParsedOption {
        try consume("option")
        let option = try parseOptionAssignment()
        try consumeEndOfDeclaration(";")
        return option
    }

    /// `[name = value, …]`
    private mutating func parseFieldOptionList() throws(ProtoGenError) -> [ParsedOption] {
        try consume("[")
        var options: [ParsedOption] = []
        repeat {
            options.append(try parseOptionAssignment())
        } while try tryConsume(",")
        try consume("]")
        return options
    }

    private mutating func parseOptionAssignment() throws(ProtoGenError) -> ParsedOption {
        let position = current.position
        var name = ""
        repeat {
            if !name.isEmpty { name += "." }
            if try tryConsume("(") {
                var part = "("
                if try tryConsume(".") { part += "." }
                part += try consumeIdentifier()
                while try tryConsume(".") { part += "." + (try consumeIdentifier()) }
                try consume(")")
                name += part + ")"
            } else {
                name += try consumeIdentifier()
            }
        } while try tryConsume(".")
        try consume("=")
        let valuePosition = current.position
        let value = try parseOptionValue()
        return ParsedOption(name: name, value: value, position: position, valuePosition: valuePosition)
    }

    private mutating func parseOptionValue() throws(ProtoGenError) -> OptionValue {
        if lookingAt("{") {
            return .aggregate(try skipAggregate())
        }
        let negative = try tryConsume("-")
        switch current.kind {
        case .identifier:
            let text = current.text
            try tokenizer.next()
            if negative && text != "inf" && text != "nan" { throw error("Expected number.") }
            return .identifier(negative ? "-" + text : text)
        case .integer:
            guard let magnitude = Self.integerValue(current.text) else { throw error("Integer out of range.") }
            try tokenizer.next()
            return .integer(negative: negative, magnitude: magnitude)
        case .float:
            let value = Double(current.text.hasPrefix(".") ? "0" + current.text : current.text) ?? 0
            try tokenizer.next()
            return .float(negative ? -value : value)
        case .string where !negative:
            return .string(try consumeString())
        default:
            throw error("Expected option value.")
        }
    }

    /// Text-format message values of custom options: skipped, braces balanced; returns the tokens
    /// inside the outer braces (the descriptor builder encodes them).
    private mutating func skipAggregate() throws(ProtoGenError) -> [Token] {
        var depth = 0
        var tokens: [Token] = []
        repeat {
            if current.kind == .end { throw error("Unexpected end of input in aggregate value.") }
            if lookingAt("{") || lookingAt("<") { depth += 1 }
            if lookingAt("}") || lookingAt(">") { depth -= 1 }
            tokens.append(current)
            try tokenizer.next()
        } while depth > 0
        return Array(tokens.dropFirst().dropLast())
    }
}

/// An option as written: its name (`deprecated`, `(my.opt).field`) and value.
struct ParsedOption: Sendable {
    var name: String
    var value: OptionValue
    var position: SourcePosition
    var valuePosition: SourcePosition

    func boolValue(_ parser: Parser) throws(ProtoGenError) -> Bool {
        switch value {
        case .identifier("true"): return true
        case .identifier("false"): return false
        default: throw parser.error("Value must be \"true\" or \"false\" for boolean option \"\(name)\".", at: position)
        }
    }

    func stringValue(_ parser: Parser) throws(ProtoGenError) -> String {
        guard case .string(let bytes) = value else {
            throw parser.error("Value must be quoted string for string option \"\(name)\".", at: position)
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

enum OptionValue: Sendable {
    case identifier(String)
    case integer(negative: Bool, magnitude: UInt64)
    case float(Double)
    case string([UInt8])
    /// A text-format message value: the tokens between its braces.
    case aggregate([Token])

    /// The form `FieldDescriptorProto.default_value` uses (bytes C-escaped, numbers in decimal).
    var descriptorText: String {
        switch self {
        case .identifier(let text): return text
        case .integer(let negative, let magnitude): return (negative ? "-" : "") + String(magnitude)
        case .float(let value): return DefaultValueText.double(value)
        case .string(let bytes): return StringLiteral.cEscape(bytes)
        case .aggregate: return ""
        }
    }
}
