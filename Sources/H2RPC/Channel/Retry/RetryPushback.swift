/// The server's `grpc-retry-pushback-ms` trailer (gRFC A6).
enum RetryPushback: Hashable, Sendable {
    /// Retry after exactly this delay (a non-negative integer of milliseconds).
    case after(Duration)
    /// Do not retry: a negative or malformed value, or more than one value.
    case stop

    /// The trailer's name.
    static let headerName = "grpc-retry-pushback-ms"

    /// The pushback in the trailer's values, nil when there is none. A6: a decimal int32 without
    /// redundant leading zeros; anything else (or several values) means stop.
    init?(values: [String]) {
        guard let value = values.first else { return nil }
        guard values.count == 1 else {
            self = .stop
            return
        }
        let digits = value.hasPrefix("-") ? value.utf8.dropFirst() : value.utf8[...]
        guard !digits.isEmpty, digits.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
            digits.count == 1 || digits.first != UInt8(ascii: "0"), let ms = Int32(value), ms >= 0
        else {
            self = .stop
            return
        }
        self = .after(.milliseconds(Int64(ms)))
    }
}

/// The request header that tells the server how many attempts of this call came before (A6).
enum PreviousAttemptsHeader {
    /// `grpc-previous-rpc-attempts`.
    static let name = "grpc-previous-rpc-attempts"

    /// The header's value for attempt `attempt` (0 for the first), or nil: the first carries none.
    static func value(forAttempt attempt: Int) -> String? {
        attempt > 0 ? String(attempt) : nil
    }
}
