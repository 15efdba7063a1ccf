import RPCBenchServer
/// Parses and prints sizes the way scenario ids write them: `16B`, `4KiB`, `64KiB`, `1MiB`.
public enum ByteSize {
    /// Parses `16`, `16B`, `4KiB`, `4K`, `1MiB`, `1M` (binary units). Returns nil for anything else.
    public static func parse(_ text: String) -> Int? {
        let units: [(String, Int)] = [
            ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30),
            ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1),
        ]
        for (suffix, factor) in units where text.hasSuffix(suffix) {
            guard let n = Int(text.dropLast(suffix.count)), n >= 0 else { return nil }
            let (value, overflow) = n.multipliedReportingOverflow(by: factor)
            return overflow ? nil : value
        }
        guard let n = Int(text), n >= 0 else { return nil }
        return n
    }

    /// The shortest exact spelling: `16B`, `4KiB`, `1MiB`, `1500B`.
    public static func format(_ bytes: Int) -> String {
        if bytes >= 1 << 20 && bytes % (1 << 20) == 0 { return "\(bytes >> 20)MiB" }
        if bytes >= 1 << 10 && bytes % (1 << 10) == 0 { return "\(bytes >> 10)KiB" }
        return "\(bytes)B"
    }
}
