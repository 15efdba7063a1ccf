/// The checks protoc makes after parsing that our parser must make too: field numbers (range,
/// duplicates, reserved), reserved names, map keys, enum values, proto3 restrictions.
struct Validator {
    let file: FileDecl
    /// Every message of every loaded file by full name (for map entry key types).
    let messages: [String: MessageDecl]
    /// Every enum of every loaded file by full name (map values must have 0 first).
    var enums: [String: EnumDecl] = [:]

    /// Problems found, in the order found.
    private(set) var errors: [ProtoGenError] = []

    private mutating func report(_ position: SourcePosition, _ message: String) {
        errors.append(ProtoGenError(file: file.name, at: position, message))
    }

    /// Checks the whole file; every problem found is in `errors` (after the first problem of a field
    /// or enum value, the checks go on with the next one).
    mutating func validate() {
        for message in file.messages { validate(message) }
        for decl in file.enums { validate(decl) }
        validateExtensions()
    }

    /// protoc's checks of extension fields: numbers as for fields, within one of the extendee's
    /// `extensions` ranges (also for the `google.protobuf.*Options` messages, which declare
    /// `1000 to max`), not `required`, and not used twice for one extendee in this file (protoc only
    /// warns when another file used the number).
    private mutating func validateExtensions() {
        var all: [(field: FieldDecl, scope: String)] = []
        func collect(_ message: MessageDecl) {
            all += message.extensions.map { ($0, message.fullName) }
            message.messages.forEach(collect)
        }
        file.messages.forEach(collect)  // protoc builds nested extensions with their messages, before the file's own
        all += file.extensions.map { ($0, file.package) }
        var used: [String: [Int: String]] = [:]
        for (field, scope) in all {
            let number = field.number
            let fullName = scope.isEmpty ? field.name : scope + "." + field.name
            let extendee = String(field.extendee.dropFirst())
            if number <= 0 { report(field.numberPosition, "Field numbers must be positive integers."); continue }
            if number > 536_870_911 {
                report(field.numberPosition, "Field numbers cannot be greater than 536870911."); continue
            }
            if (19_000...19_999).contains(number) {
                report(
                    field.numberPosition,
                    "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.")
                continue
            }
            if let target = messages[extendee], !target.extensionRanges.contains(where: { $0.contains(number) }) {
                report(field.numberPosition, "\"\(extendee)\" does not declare \(number) as an extension number.")
                continue
            }
            if let other = used[extendee]?[number] {
                report(
                    field.numberPosition,
                    "Extension number \(number) has already been used in \"\(extendee)\" by extension \"\(other)\".")
                continue
            }
            used[extendee, default: [:]][number] = fullName
            if field.label == .required {
                report(field.typePosition, "The extension \(fullName) cannot be required."); continue
            }
            if field.packed == true, field.label != .repeated || !(field.type?.isPackable ?? false) {
                report(field.position, "[packed = true] can only be specified for repeated primitive fields.")
                continue
            }
        }
    }

    private mutating func validate(_ message: MessageDecl) {
        if file.syntax == .proto3, !message.extensionRanges.isEmpty {
            report(message.position, "Extension ranges are not allowed in proto3.")
        }
        var byNumber: [Int: String] = [:]
        for field in message.fields {
            let number = field.number
            if number <= 0 { report(field.numberPosition, "Field numbers must be positive integers."); continue }
            if number > 536_870_911 {
                report(field.numberPosition, "Field numbers cannot be greater than 536870911."); continue
            }
            if (19_000...19_999).contains(number) {
                report(
                    field.numberPosition,
                    "Field numbers 19000 through 19999 are reserved for the protocol buffer library implementation.")
                continue
            }
            if let other = byNumber[number] {
                report(
                    field.numberPosition,
                    "Field number \(number) has already been used in \"\(message.fullName)\" by field \"\(other)\".")
                continue
            }
            byNumber[number] = field.name
            if message.reservedRanges.contains(where: { $0.contains(number) }) {
                report(field.numberPosition, "Field \"\(field.name)\" uses reserved number \(number).")
                continue
            }
            if message.reservedNames.contains(field.name) {
                report(field.namePosition, "Field name \"\(field.name)\" is reserved.")
                continue
            }
            if message.extensionRanges.contains(where: { $0.contains(number) }) {
                report(field.numberPosition, "Extension range \(number) includes field \"\(field.name)\" (\(number)).")
                continue
            }
            if field.packed == true, field.label != .repeated || !(field.type?.isPackable ?? false) {
                report(field.position, "[packed = true] can only be specified for repeated primitive fields.")
                continue
            }
            if field.type == .message, let entry = messages[String(field.typeName.dropFirst())], entry.isMapEntry,
                field.label == .repeated, message.messages.contains(where: { $0.fullName == entry.fullName })
            {
                let key = entry.fields[0]
                switch key.type {
                case nil: break  // not resolved: the resolver has reported it
                case .float, .double, .bytes, .message, .group:
                    report(field.position, "Key in map fields cannot be float/double, bytes or message types.")
                    continue
                case .enum:
                    report(field.position, "Key in map fields cannot be enum types.")
                    continue
                default: break
                }
                let value = entry.fields[1]
                if value.type == .enum, let first = enums[String(value.typeName.dropFirst())]?.values.first,
                    first.number != 0
                {
                    report(field.position, "Enum value in map must define 0 as the first value.")
                    continue
                }
            }
        }
        for nested in message.messages { validate(nested) }
        for decl in message.enums { validate(decl) }
    }

    private mutating func validate(_ decl: EnumDecl) {
        guard let first = decl.values.first else {
            report(decl.position, "Enums must contain at least one value.")
            return
        }
        if file.syntax == .proto3, first.number != 0 {
            report(first.numberPosition, "The first enum value must be zero in proto3.")
        }
        var byNumber: [Int32: String] = [:]
        for value in decl.values {
            if let other = byNumber[value.number], !decl.allowAlias {
                report(
                    value.numberPosition,
                    "\"\(value.name)\" uses the same enum value as \"\(other)\". If this is intended, set 'option allow_alias = true;' to the enum definition."
                )
                continue
            }
            if byNumber[value.number] == nil { byNumber[value.number] = value.name }
            if decl.reservedRanges.contains(where: { $0.contains(Int(value.number)) }) {
                report(value.numberPosition, "Enum value \"\(value.name)\" uses reserved number \(value.number).")
                continue
            }
            if decl.reservedNames.contains(value.name) {
                report(value.position, "Enum value \"\(value.name)\" is reserved.")
                continue
            }
        }
        if decl.allowAlias, byNumber.count == decl.values.count {
            report(
                decl.position,
                "\"\(decl.fullName)\" declares 'option allow_alias = true;', but does not have any aliases.")
        }
    }
}
