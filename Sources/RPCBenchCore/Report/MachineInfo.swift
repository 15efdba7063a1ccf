import RPCBenchServer
import Foundation

/// Where and how the figures were measured.
public struct MachineInfo: Sendable {
    public var hostname: String
    public var cpuModel: String
    public var cpus: Int
    public var kernel: String
    /// `release` or `debug`: debug builds are several times slower and their figures mean little.
    public var build: String
    /// ISO 8601, UTC.
    public var date: String

    public static func current() -> MachineInfo {
        let cpuinfo = ProcFiles.read("/proc/cpuinfo") ?? ""
        let model =
            cpuinfo.split(separator: "\n").first(where: { $0.hasPrefix("model name") })
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown"
        let kernel = (ProcFiles.read("/proc/sys/kernel/osrelease") ?? "unknown").trimmingCharacters(
            in: .whitespacesAndNewlines)
        let formatter = ISO8601DateFormatter()
        return MachineInfo(
            hostname: ProcessInfo.processInfo.hostName, cpuModel: model,
            cpus: ProcessInfo.processInfo.activeProcessorCount, kernel: kernel, build: BuildInfo.configuration,
            date: formatter.string(from: Date()))
    }
}

/// How this binary was built.
public enum BuildInfo {
    public static var configuration: String {
        #if DEBUG
            "debug"
        #else
            "release"
        #endif
    }

    public static var isDebug: Bool { configuration == "debug" }

    /// The line printed before any measurement.
    public static var banner: String {
        isDebug
            ? "rpcbench: DEBUG build: figures are several times too slow; measure with `swift run -c release rpcbench`"
            : "rpcbench: release build"
    }
}
