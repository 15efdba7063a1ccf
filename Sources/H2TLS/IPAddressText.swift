import Glibc

/// Small text helpers: IP literal detection and byte previews for error messages.
enum IPAddressText {
    /// True for a numeric IPv4 or IPv6 address (brackets allowed).
    static func isLiteral(_ host: String) -> Bool {
        var name = host
        if name.hasPrefix("[") && name.hasSuffix("]") { name = String(name.dropFirst().dropLast()) }
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, name, &v4) == 1 || inet_pton(AF_INET6, name, &v6) == 1
    }

    /// `"PRI * HTTP/2.0"` (the first line) for printable bytes, else hex: `00 00 12 04 ...`.
    static func preview(_ bytes: [UInt8]) -> String {
        if !bytes.isEmpty && bytes.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x0D || $0 == 0x0A }) {
            let text = String(decoding: bytes.prefix { $0 != 0x0D && $0 != 0x0A }, as: UTF8.self)
            return "\"\(text)\""
        }
        return "first bytes "
            + bytes.prefix(8).map { byte in
                let hex = String(byte, radix: 16)
                return hex.count == 1 ? "0" + hex : hex
            }.joined(separator: " ")
    }
}
