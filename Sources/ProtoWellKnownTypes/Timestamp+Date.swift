#if canImport(FoundationEssentials)
public import FoundationEssentials
#else
public import Foundation
#endif

extension Google_Protobuf_Timestamp {
    /// The timestamp of `date`: whole seconds since the Unix epoch rounded down (so `nanos` is never
    /// negative, as the type requires), the fraction rounded to the nearest nanosecond.
    public init(date: Date) {
        self.init(timeIntervalSince1970: date.timeIntervalSince1970)
    }

    /// The timestamp `seconds` after the Unix epoch (negative: before it), to the nearest nanosecond.
    public init(timeIntervalSince1970 seconds: Double) {
        self.init()
        var whole = seconds.rounded(.down)
        var nanos = ((seconds - whole) * 1e9).rounded()
        if nanos >= 1e9 {
            whole += 1
            nanos -= 1e9
        }
        self.seconds = Int64(whole)
        self.nanos = Int32(nanos)
    }

    /// Seconds since the Unix epoch (a `Double`: nanoseconds are kept to its precision, about a
    /// microsecond for today's dates).
    public var timeIntervalSince1970: Double {
        Double(seconds) + Double(nanos) / 1e9
    }

    /// The timestamp as a `Date`.
    public var date: Date {
        Date(timeIntervalSince1970: timeIntervalSince1970)
    }
}
