// Protobuf text format for the values the golden tests feed protoc and python.

enum TextFormat {
    static func string(_ s: String) -> String {
        var out = "\""
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += "\\\""
            case UInt8(ascii: "\\"): out += "\\\\"
            case 0..<0x20, 0x7F: out += octal(byte)
            default: out.unicodeScalars.append(Unicode.Scalar(byte))  // replaced below for non-ASCII
            }
        }
        // Non-ASCII bytes were appended as Latin-1 scalars above; write the original UTF-8 instead.
        if s.utf8.contains(where: { $0 >= 0x80 }) {
            out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case _ where scalar.value < 0x20 || scalar.value == 0x7F: out += octal(UInt8(scalar.value))
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    static func bytes(_ b: [UInt8]) -> String {
        "\"" + b.map(octal).joined() + "\""
    }

    static func octal(_ byte: UInt8) -> String {
        let s = String(byte, radix: 8)
        return "\\" + String(repeating: "0", count: 3 - s.count) + s
    }

    static func float<F: BinaryFloatingPoint & CustomStringConvertible>(_ v: F) -> String {
        if v.isNaN { return "nan" }
        if v.isInfinite { return v < 0 ? "-inf" : "inf" }
        return v.description
    }

    static func color(_ c: Wiretest_Color) -> String {
        switch c {
        case .unspecified: "COLOR_UNSPECIFIED"
        case .red: "RED"
        case .green: "GREEN"
        case .blue: "BLUE"
        case .negative: "NEGATIVE"
        case .unrecognized(let n): String(n)
        }
    }

    static func nested(_ n: Wiretest_Nested) -> String {
        var parts: [String] = []
        if n.a != 0 { parts.append("a: \(n.a)") }
        if !n.b.isEmpty { parts.append("b: \(string(n.b))") }
        if let child = n.child { parts.append("child \(nested(child))") }
        for r in n.r { parts.append("r: \(r)") }
        return "{ " + parts.joined(separator: " ") + " }"
    }
}
