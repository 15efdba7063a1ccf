import COpenSSL

/// The identity in the peer's certificate, read after the handshake (for authorization).
public struct TLSPeerCertificate: Sendable, Hashable, CustomStringConvertible {
    /// One subjectAltName entry.
    public enum AlternativeName: Sendable, Hashable {
        case dns(String)
        case uri(String)
        case email(String)
        /// An IPv4 or IPv6 address in its usual text form.
        case ipAddress(String)
    }

    /// The subject in RFC 2253 form, e.g. `CN=client-1,O=Example`.
    public let subject: String
    /// The subjectAltName entries of the kinds above, in certificate order.
    public let alternativeNames: [AlternativeName]

    /// Creates a value (for tests and for carrying an identity across modules).
    public init(subject: String, alternativeNames: [AlternativeName]) {
        self.subject = subject
        self.alternativeNames = alternativeNames
    }

    public var description: String { alternativeNames.isEmpty ? subject : "\(subject) \(alternativeNames)" }

    /// Reads `certificate` (an `X509 *`, not consumed).
    init(x509 certificate: OpaquePointer) {
        subject = Self.text(X509_get_subject_name(certificate))
        var names: [AlternativeName] = []
        if let raw = X509_get_ext_d2i(certificate, NID_subject_alt_name, nil, nil) {
            let list = OpaquePointer(raw)
            defer { cssl_general_names_free(list) }
            for index in 0..<cssl_general_names_count(list) {
                guard let entry = cssl_general_names_value(list, index) else { continue }
                var data: UnsafePointer<UInt8>?
                var length: Int32 = 0
                let type = cssl_general_name_get(entry, &data, &length)
                guard let data, length >= 0 else { continue }
                let bytes = UnsafeBufferPointer(start: data, count: Int(length))
                switch type {
                case GEN_DNS: names.append(.dns(String(decoding: bytes, as: UTF8.self)))
                case GEN_URI: names.append(.uri(String(decoding: bytes, as: UTF8.self)))
                case GEN_EMAIL: names.append(.email(String(decoding: bytes, as: UTF8.self)))
                case GEN_IPADD: names.append(.ipAddress(Self.ipText(bytes)))
                default: continue
                }
            }
        }
        alternativeNames = names
    }

    private static func text(_ name: OpaquePointer?) -> String {
        guard let name, let bio = BIO_new(BIO_s_mem()) else { return "" }
        defer { BIO_free(bio) }
        guard X509_NAME_print_ex(bio, name, 0, CSSL_XN_FLAG_RFC2253) >= 0 else { return "" }
        var data: UnsafeMutablePointer<CChar>?
        let length = cssl_bio_get_mem_data(bio, &data)
        guard let data, length > 0 else { return "" }
        return data.withMemoryRebound(to: UInt8.self, capacity: length) {
            String(decoding: UnsafeBufferPointer(start: $0, count: length), as: UTF8.self)
        }
    }

    private static func ipText(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        guard bytes.count == 16 else { return bytes.map { String($0, radix: 16) }.joined(separator: ":") }
        return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            .joined(separator: ":")
    }
}
