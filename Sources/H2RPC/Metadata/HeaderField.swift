import H2

/// One HTTP/2 header field: H2's own type, so header blocks pass between H2 and H2RPC without copying.
typealias HeaderField = H2Header

/// Header names the library owns: never taken from application metadata when sending, and not
/// handed to the application as metadata on receipt (spec §4).
func isReservedHeaderName(_ name: String) -> Bool { KnownHeader(name).isReserved }

extension Metadata {
    /// Metadata from received header fields: pseudo-headers and library-owned names are left out;
    /// `-bin` values are split on `,` and base64-decoded (padded or not); undecodable ones are dropped.
    init(receivedHeaders headers: some Sequence<HeaderField>) {
        self.init()
        for field in headers where KnownHeader(field.name) == .custom { appendReceived(field) }
    }

    /// Appends a received field that `KnownHeader` classed as `.custom` (application metadata).
    mutating func appendReceived(_ field: HeaderField) {
        let name = field.name
        if name.hasSuffix("-bin") {
            for part in field.value.split(separator: ",", omittingEmptySubsequences: false) {
                let trimmed = part.drop { $0 == " " }
                if let bytes = Base64.decode(trimmed) { appendReceived(name, .binary(bytes)) }
            }
        } else {
            appendReceived(name, .string(field.value))
        }
    }

    /// Appends these entries as header fields. Reserved names are skipped; so are invalid keys and
    /// text values with bytes outside 0x20…0x7E (nghttp2 would reset the stream over them), which
    /// calls have already refused through `validationError()` before they get here.
    func appendHeaders(to headers: inout [HeaderField]) {
        for entry in self {
            guard Self.isValidKey(entry.key), !isReservedHeaderName(entry.key) else { continue }
            switch entry.value {
            case .binary(let bytes):
                headers.append(HeaderField(entry.key, Base64.encode(bytes)))
            case .string(let text):
                guard text.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }) else { continue }
                headers.append(HeaderField(entry.key, text))
            }
        }
    }

    /// Keys are `0-9 a-z _ - .`, not empty.
    static func isValidKey(_ key: String) -> Bool {
        !key.isEmpty
            && key.utf8.allSatisfy { c in
                (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
                    || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
            }
    }
}
