import RPCBenchServer
/// Peak resident set size of a process (`VmHWM` in `/proc/<pid>/status`).
public enum PeakMemory {
    /// Peak RSS in MiB, or nil when the process is gone.
    public static func mebibytes(of pid: Int32) -> Double? {
        guard let text = ProcFiles.read("/proc/\(pid)/status") else { return nil }
        return parseStatus(text)
    }

    /// The `VmHWM:   1234 kB` line of a status file, in MiB.
    public static func parseStatus(_ text: String) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count >= 2, let kib = Double(parts[1]) else { return nil }
            return kib / 1024
        }
        return nil
    }

    /// Starts a new peak: writing 5 to `clear_refs` sets VmHWM back to the current RSS (Linux ≥ 4.0),
    /// so that each scenario's peak is its own although the server runs them all.
    @discardableResult
    public static func resetPeak(of pid: Int32) -> Bool {
        ProcFiles.write("/proc/\(pid)/clear_refs", "5")
    }
}
