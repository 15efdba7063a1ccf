import COpenSSL

/// The calling thread's OpenSSL error queue.
enum OpenSSLErrors {
    /// Empties the queue, so that the next `SSL_get_error` sees only the next call's failure.
    @inline(__always)
    static func clear() { ERR_clear_error() }

    /// Empties the queue and returns its entries' reasons (library reason codes and text), oldest first.
    static func drain() -> [(reason: Int32, text: String)] {
        var entries: [(Int32, String)] = []
        while true {
            let code = ERR_get_error()
            if code == 0 { break }
            let reason = ERR_GET_REASON(code)
            let text = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(String(code, radix: 16))"
            entries.append((reason, text))
        }
        return entries
    }

    /// The queue's reasons as `"(OpenSSL: a; b)"`, or an empty string; empties the queue.
    static func drainedSuffix() -> String {
        suffix(drain())
    }

    static func suffix(_ entries: [(reason: Int32, text: String)]) -> String {
        entries.isEmpty ? "" : " (OpenSSL: \(entries.map(\.text).joined(separator: "; ")))"
    }
}
