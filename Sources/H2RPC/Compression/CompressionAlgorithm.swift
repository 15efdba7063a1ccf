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

    /// Names in a received `grpc-accept-encoding` value.
    static func parseAcceptEncoding(_ value: String) -> [String] {
        value.split(separator: ",").map { String($0.trimmingPrefix(" ")).trimmingSuffix(" ") }
    }
}

extension String {
    fileprivate func trimmingSuffix(_ c: Character) -> String {
        var s = Substring(self)
        while s.last == c { s.removeLast() }
        return String(s)
    }
}
