import Foundation

/// Runs the built `rpcbench` executable (it sits beside the test bundle) and collects what it printed.
enum RPCBenchProcess {
    static var executable: String {
        let bundle =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: bundle).deletingLastPathComponent().appendingPathComponent("rpcbench").path
    }

    /// Starts rpcbench with `arguments`; the caller reads, signals and waits.
    static func start(_ arguments: [String]) throws -> ChildProcess {
        try ChildProcess(executable: executable, arguments: arguments)
    }

    /// Runs to the end, killing it after `timeout` (then status is -9 and the test fails on it).
    static func run(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> ChildProcess.Outcome {
        try await start(arguments).finished(timeout: timeout)
    }

    /// Pids of live processes whose parent is `pid`.
    static func children(of pid: Int32) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).filter { child in
            guard let stat = try? String(contentsOfFile: "/proc/\(child)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return false }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && fields[0] != "Z" && Int32(fields[1]) == pid
        }
    }

    static func isAlive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return false }
        return stat[stat.index(after: close)...].split(separator: " ").first != "Z"
    }
}
