import RPCBenchServer
import Foundation

/// Number formatting for the table, the CSV and the chart: fixed, locale-free.
public enum Format {
    /// `123456` → `123,456`; below 100 keeps one decimal (`12.3`), below 10 two.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "-" }
        if abs(value) < 10 { return String(format: "%.2f", value) }
        if abs(value) < 100 { return String(format: "%.1f", value) }
        let rounded = Int(value.rounded())
        let digits = String(abs(rounded))
        var out = ""
        for (i, ch) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(ch)
        }
        return rounded < 0 ? "-" + out : out
    }

    public static func optional(_ value: Double?) -> String { value.map(number) ?? "-" }

    /// Seconds with one decimal.
    public static func seconds(_ value: Double) -> String { String(format: "%.1f", value) }

    /// A ratio such as `0.85×`.
    public static func ratio(_ value: Double?) -> String {
        guard let value, value.isFinite else { return "-" }
        return String(format: "%.2f×", value)
    }

    /// Plain decimal for machine-readable output: no grouping, up to 3 decimals, no exponent.
    public static func plain(_ value: Double) -> String {
        guard value.isFinite else { return "null" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        var s = String(format: "%.3f", value)
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
        return s
    }
}
