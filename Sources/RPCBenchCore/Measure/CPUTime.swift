import RPCBenchServer
#if canImport(Glibc)
    import Glibc
#endif

/// User + system CPU time of a process, in microseconds.
public struct CPUTime: Sendable, Equatable {
    public var userMicroseconds: Double
    public var systemMicroseconds: Double
    public var totalMicroseconds: Double { userMicroseconds + systemMicroseconds }

    public init(userMicroseconds: Double, systemMicroseconds: Double) {
        self.userMicroseconds = userMicroseconds
        self.systemMicroseconds = systemMicroseconds
    }

    public static func - (a: CPUTime, b: CPUTime) -> CPUTime {
        CPUTime(
            userMicroseconds: a.userMicroseconds - b.userMicroseconds,
            systemMicroseconds: a.systemMicroseconds - b.systemMicroseconds)
    }

    /// This process, all threads (getrusage RUSAGE_SELF, microsecond resolution).
    public static func ofSelf() -> CPUTime {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return CPUTime(
            userMicroseconds: Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec),
            systemMicroseconds: Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec))
    }

    /// Another process, all threads, from `/proc/<pid>/stat` (utime and stime, in clock ticks).
    public static func ofProcess(_ pid: Int32) -> CPUTime? {
        guard let text = ProcFiles.read("/proc/\(pid)/stat") else { return nil }
        return parseProcStat(text, ticksPerSecond: Double(sysconf(Int32(_SC_CLK_TCK))))
    }

    /// Fields 14 and 15 of a `/proc/<pid>/stat` line. The command name (field 2) is in parentheses
    /// and may hold spaces and parentheses itself, so fields are counted after the last `)`.
    public static func parseProcStat(_ text: String, ticksPerSecond: Double) -> CPUTime? {
        guard let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // fields[0] is field 3 (state); utime is field 14, stime field 15.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]),
            ticksPerSecond > 0
        else { return nil }
        return CPUTime(userMicroseconds: user / ticksPerSecond * 1e6, systemMicroseconds: system / ticksPerSecond * 1e6)
    }
}
