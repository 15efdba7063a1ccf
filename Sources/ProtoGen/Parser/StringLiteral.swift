/// Escapes in `.proto` string literals: `\a \b \f \n \r \t \v \\ \' \" \?`, `\xH[H]`, `\O[O[O]]`,
/// `\uHHHH`, `\UHHHHHHHH` (the last two encoded as UTF-8).
enum StringLiteral {
    /// Decodes a quoted literal (quotes included). Nil when an escape is malformed.
    static func decode(_ quoted: String) -> [UInt8]? {
        if case .success(let bytes) = decodeReportingOffset(quoted) { return bytes }
        return nil
    }

    /// Byte offset (in the quoted text) of the character after the backslash of a malformed escape.
    struct BadEscape: Error {
        var offset: Int
    }

    /// Decodes a quoted literal, or says where its first malformed escape is.
    static func decodeReportingOffset(_ quoted: String) -> Result<[UInt8], BadEscape> {
        let bytes = Array(quoted.utf8)
        guard bytes.count >= 2 else { return .failure(BadEscape(offset: 0)) }
        var out: [UInt8] = []
        var i = 1
        let end = bytes.count - 1
        func hexValue(_ c: UInt8) -> UInt32? {
            switch c {
            case 0x30...0x39: UInt32(c - 0x30)
            case 0x61...0x66: UInt32(c - 0x61 + 10)
            case 0x41...0x46: UInt32(c - 0x41 + 10)
            default: nil
            }
        }
        while i < end {
            let c = bytes[i]
            guard c == UInt8(ascii: "\\") else {
                out.append(c)
                i += 1
                continue
            }
            i += 1
            let escapeOffset = i
            guard i < end else { return .failure(BadEscape(offset: escapeOffset)) }
            let e = bytes[i]
            i += 1
            switch e {
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "?"): out.append(e)
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value = UInt32(e - 0x30)
                var digits = 1
                while digits < 3 && i < end && bytes[i] >= 0x30 && bytes[i] <= 0x37 {
                    value = value * 8 + UInt32(bytes[i] - 0x30)
                    i += 1
                    digits += 1
                }
                guard value <= 0xFF else { return .failure(BadEscape(offset: escapeOffset)) }
                out.append(UInt8(value))
            case UInt8(ascii: "x"), UInt8(ascii: "X"):
                guard i < end, var value = hexValue(bytes[i]) else { return .failure(BadEscape(offset: escapeOffset)) }
                i += 1
                if i < end, let second = hexValue(bytes[i]) {
                    value = value * 16 + second
                    i += 1
                }
                out.append(UInt8(value))
            case UInt8(ascii: "u"), UInt8(ascii: "U"):
                let count = e == UInt8(ascii: "u") ? 4 : 8
                guard i + count <= end else { return .failure(BadEscape(offset: escapeOffset)) }
                var value: UInt32 = 0
                for k in 0..<count {
                    guard let digit = hexValue(bytes[i + k]) else { return .failure(BadEscape(offset: escapeOffset)) }
                    value = value &* 16 &+ digit
                }
                i += count
                guard let scalar = Unicode.Scalar(value) else { return .failure(BadEscape(offset: escapeOffset)) }
                out += Array(String(Character(scalar)).utf8)
            default:
                return .failure(BadEscape(offset: escapeOffset))
            }
        }
        return .success(out)
    }

    /// protoc's `CEscape`: printable ASCII as is, `\n \r \t \" \' \\` named, everything else as 3-digit octal.
    static func cEscape(_ bytes: [UInt8]) -> String {
        var out = ""
        for b in bytes {
            switch b {
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x22: out += "\\\""
            case 0x27: out += "\\'"
            case 0x5C: out += "\\\\"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let octal = String(b, radix: 8)
                out += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return out
    }

    /// Inverse of `cEscape` (for bytes defaults read from a descriptor).
    static func cUnescape(_ text: String) -> [UInt8] {
        decode("\"" + text + "\"") ?? Array(text.utf8)
    }
}

/// Text forms of default values.
enum DefaultValueText {
    static func double(_ value: Double) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }
}
