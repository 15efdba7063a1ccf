import Glibc

/// Header names and values that recur on every request or response (HTTP/2 and gRPC), returned
/// as literal strings so that decoding them allocates nothing; strings of 16+ bytes would.
enum HeaderIntern {
    private static let known: [String] = [
        ":method", ":scheme", ":path", ":authority", ":status", "POST", "GET", "http", "https", "200",
        "content-type", "application/grpc", "application/grpc+proto", "application/octet-stream", "te", "trailers",
        "grpc-status", "grpc-message", "grpc-encoding", "grpc-accept-encoding", "grpc-timeout", "user-agent",
        "content-length", "0", "identity", "gzip", "identity,deflate,gzip", "deflate", "accept-encoding", "server",
        "date", "accept", "*/*",
    ]

    /// Known strings bucketed by UTF-8 length, for a cheap first filter.
    private static let byLength: [[(bytes: [UInt8], string: String)]] = {
        var buckets = [[(bytes: [UInt8], string: String)]](repeating: [], count: 33)
        for string in known where string.utf8.count < buckets.count {
            buckets[string.utf8.count].append((Array(string.utf8), string))
        }
        return buckets
    }()

    /// Byte-wise equality of two buffers (memcmp: the generic `elementsEqual` goes byte by byte).
    @inline(__always)
    static func equal(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        a.count == b.count && (a.count == 0 || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0)
    }

    /// The string for `bytes`: a shared literal when known, else a new string.
    static func string(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        if bytes.count < byLength.count {
            for candidate in byLength[bytes.count] where candidate.bytes.withUnsafeBufferPointer({ equal($0, bytes) }) {
                return candidate.string
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The header strings a connection received last, one per position in a header block: a request's
/// `:path` or `user-agent` usually equals the previous request's, so the earlier string is shared
/// instead of decoding a new one (strings of 16+ bytes would allocate), and finding it takes one
/// comparison. New strings come from `HeaderIntern`. Loop thread only.
struct RecentHeaderStrings {
    private static let slots = 16
    private var names = [String](repeating: "", count: slots)
    private var values = [String](repeating: "", count: slots)

    mutating func name(_ bytes: UnsafeBufferPointer<UInt8>, slot: Int) -> String {
        Self.lookup(bytes, slot: slot, in: &names)
    }

    mutating func value(_ bytes: UnsafeBufferPointer<UInt8>, slot: Int) -> String {
        Self.lookup(bytes, slot: slot, in: &values)
    }

    private static func lookup(_ bytes: UnsafeBufferPointer<UInt8>, slot: Int, in cache: inout [String]) -> String {
        guard slot < slots else { return HeaderIntern.string(bytes) }
        // Short strings too: one comparison with the previous block's field in this position is
        // cheaper than searching the known strings.
        let same = cache.withUnsafeMutableBufferPointer { strings in
            strings[slot].utf8.count == bytes.count && strings[slot].withUTF8 { HeaderIntern.equal($0, bytes) }
        }
        if same { return cache[slot] }
        let string = HeaderIntern.string(bytes)
        cache[slot] = string
        return string
    }
}
