/// proto2 `[default = …]` values as Swift literals. The text comes in `FieldDescriptorProto.default_value`
/// form (from protoc or from our parser, which may spell numbers differently), so numbers are
/// rendered from their value: both front ends then print the same literal.
enum DefaultLiteral {
    static func render(_ field: FieldDecl, registry: TypeRegistry) -> String? {
        guard let text = field.defaultValue else { return nil }
        switch field.type {
        case .bool:
            return text == "true" ? "true" : "false"
        case .int32, .sint32, .sfixed32, .int64, .sint64, .sfixed64:
            return Int64(text).map { String($0) }
        case .uint32, .fixed32, .uint64, .fixed64:
            return UInt64(text).map { String($0) }
        case .double:
            return floating(text) { Double($0).map { "\($0)" } }
        case .float:
            return floating(text) { Float($0).map { "\($0)" } }
        case .string:
            return swiftString(text)
        case .bytes:
            let bytes = StringLiteral.cUnescape(text)
            return "["
                + bytes.map { "0x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined(separator: ", ")
                + "]"
        case .enum:
            guard let info = registry.enumInfo(field.typeName),
                let index = info.decl.values.firstIndex(where: { $0.name == text })
            else { return nil }
            return "." + EnumEmitter.caseNames(info.decl)[index]
        case .message, .group, nil:
            return nil
        }
    }

    private static func floating(_ text: String, _ render: (String) -> String?) -> String? {
        switch text {
        case "inf": return ".infinity"
        case "-inf": return "-.infinity"
        case "nan", "-nan": return ".nan"
        default: return render(text)
        }
    }

    /// A Swift string literal for `text`.
    static func swiftString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\0": out += "\\0"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    out += "\\u{" + String(scalar.value, radix: 16) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
