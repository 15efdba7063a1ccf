/// The `grpc-timeout` header: 1–8 ASCII digits and a unit (`H M S m u n`).
enum GRPCTimeout {
    /// Nanoseconds per unit, finest first: the order the encoder tries them in.
    private static let units: [(UInt8, Int64)] = [
        (UInt8(ascii: "n"), 1), (UInt8(ascii: "u"), 1_000), (UInt8(ascii: "m"), 1_000_000),
        (UInt8(ascii: "S"), 1_000_000_000), (UInt8(ascii: "M"), 60_000_000_000), (UInt8(ascii: "H"), 3_600_000_000_000),
    ]
    private static let maxValue: Int64 = 99_999_999

    /// The timeout a header value names, or nil when it is malformed (empty, more than 8 digits,
    /// a non-digit, or an unknown unit). Long timeouts saturate instead of overflowing.
    static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 9, let unit = bytes.last,
            let scale = units.first(where: { $0.0 == unit })?.1
        else { return nil }
        var value: Int64 = 0
        for c in bytes.dropLast() {
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + Int64(c - UInt8(ascii: "0"))
        }
        let (nanos, overflow) = value.multipliedReportingOverflow(by: scale)
        return .nanoseconds(overflow ? Int64.max : nanos)
    }

    /// The header value for `timeout`: the finest unit whose value fits in 8 digits, rounded up
    /// (grpc-go's recipe); a timeout ≤ 0 is `0n` (already expired).
    static func format(_ timeout: Duration) -> String {
        let (seconds, attos) = timeout.components
        if seconds < 0 || (seconds == 0 && attos <= 0) { return "0n" }
        // Saturate at about 292 years; beyond that every unit but H overflows anyway.
        let nanos: Int64
        if seconds >= Int64.max / 1_000_000_000 - 1 {
            nanos = Int64.max
        } else {
            nanos = seconds * 1_000_000_000 + (attos + 999_999_999) / 1_000_000_000
        }
        for (unit, scale) in units {
            let value = nanos / scale + (nanos % scale == 0 ? 0 : 1)
            if value <= maxValue {
                return String(value) + String(UnicodeScalar(unit))
            }
        }
        return "\(maxValue)H"
    }
}
