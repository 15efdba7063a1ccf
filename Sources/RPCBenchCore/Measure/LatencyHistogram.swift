import RPCBenchServer
import Histogram

/// Latencies in nanoseconds, kept in an HdrHistogram (3 significant digits, up to 100 s).
public struct LatencyHistogram: Sendable {
    private var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 100_000_000_000, numberOfSignificantValueDigits: .three)

    public init() {}

    /// Records one latency; values above 100 s are clamped.
    @inline(__always)
    public mutating func record(nanoseconds: UInt64) {
        _ = histogram.record(min(max(nanoseconds, 1), 100_000_000_000))
    }

    public mutating func add(_ other: LatencyHistogram) { histogram.add(other.histogram) }

    public var count: UInt64 { histogram.totalCount }

    /// The value at `percentile` (0…100) in microseconds, or nil when nothing was recorded.
    public func microseconds(atPercentile percentile: Double) -> Double? {
        guard histogram.totalCount > 0 else { return nil }
        return Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    public var maxMicroseconds: Double? { histogram.totalCount > 0 ? Double(histogram.max) / 1000 : nil }
    public var meanMicroseconds: Double? { histogram.totalCount > 0 ? histogram.mean / 1000 : nil }
}
