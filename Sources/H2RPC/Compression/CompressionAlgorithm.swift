/// A message compression algorithm named in `grpc-encoding` / `grpc-accept-encoding`.
public struct CompressionAlgorithm: Hashable, Sendable, CustomStringConvertible {
    /// The name on the wire.
    public let name: String

    private init(_ name: String) { self.name = name }

    /// No compression.
    public static let identity = CompressionAlgorithm("identity")
    /// gzip container (RFC 1952) through zlib.
    public static let gzip = CompressionAlgorithm("gzip")
    /// zlib container (RFC 1950) through zlib — what gRPC calls `deflate`.
    public static let deflate = CompressionAlgorithm("deflate")

    /// Every algorithm this library implements, in preference order.
    public static let supported: [CompressionAlgorithm] = [.gzip, .deflate, .identity]

    /// The algorithm for a `grpc-encoding` value, or nil when this library does not implement it.
    public init?(name: String) {
        switch name {
        case "identity": self = .identity
        case "gzip": self = .gzip
        case "deflate": self = .deflate
        default: return nil
        }
    }

    /// The name on the wire.
    public var description: String { name }

    /// The `grpc-accept-encoding` value listing every supported algorithm.
    static let acceptEncodingHeader = "gzip,deflate,identity"

    /// Names in a received `grpc-accept-encoding` value (comma-separated, spaces around names ignored).
    /// A plain byte scan: this runs for every request.
    static func parseAcceptEncoding(_ value: String) -> [String] {
        var names: [String] = []
        var utf8 = Substring(value).utf8[...]
        while !utf8.isEmpty {
            let end = utf8.firstIndex(of: UInt8(ascii: ",")) ?? utf8.endIndex
            var part = utf8[utf8.startIndex..<end]
            while part.first == UInt8(ascii: " ") { part = part.dropFirst() }
            while part.last == UInt8(ascii: " ") { part = part.dropLast() }
            if !part.isEmpty { names.append(String(Substring(part))) }
            utf8 = end == utf8.endIndex ? utf8[end...] : utf8[utf8.index(after: end)...]
        }
        return names
    }
}
