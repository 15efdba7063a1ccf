import Foundation
import TestSupport

/// `rpcbench compare` whose child server announces its start and its exit, so that a test awaits
/// both instead of looking at /proc again and again. rpcbench starts the `rpcbench-server` beside
/// its own executable: here that is a shell script in a fresh folder (beside a hard link of
/// rpcbench) that opens a FIFO, writes its pid there and execs the real server, which keeps the
/// FIFO open until it exits. A `cat` of the FIFO therefore prints the server's pid when it starts
/// and reaches end of file when it is gone.
final class WatchedCompare: Sendable {
    /// The rpcbench process.
    let parent: ChildProcess
    private let watcher: TestSupport.ChildProcess
    private let folder: String

    /// Starts `rpcbench` with `arguments` (a `compare`), and the watcher of its server.
    init(_ arguments: [String]) throws {
        let real = RPCBenchProcess.executable
        let bin = URL(fileURLWithPath: real).deletingLastPathComponent().path
        // Inside the build folder: a hard link needs the same file system.
        folder = bin + "/watched-compare-\(getpid())-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        let fifo = folder + "/server-pid"
        guard mkfifo(fifo, 0o600) == 0 else { throw SystemCallError(call: "mkfifo \(fifo)", code: errno) }
        guard link(real, folder + "/rpcbench") == 0 else { throw SystemCallError(call: "link \(real)", code: errno) }
        let script = """
            #!/bin/sh
            exec 3>'\(fifo)'
            echo $$ >&3
            exec '\(bin)/rpcbench-server' "$@"

            """
        try script.write(toFile: folder + "/rpcbench-server", atomically: true, encoding: .utf8)
        chmod(folder + "/rpcbench-server", 0o755)
        watcher = try TestSupport.ChildProcess("/bin/cat", [fifo])
        parent = try ChildProcess(executable: folder + "/rpcbench", arguments: arguments)
    }

    deinit {
        parent.signal(SIGKILL)
        watcher.signal(SIGKILL)
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// The pid of the child server once it has started; nil if rpcbench exited first.
    func serverPID() async throws -> Int32? {
        try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask { try await self.watcher.nextLine().flatMap { Int32($0) } }
            group.addTask {
                _ = try await self.parent.finished()
                return nil
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
    }

    /// Returns once the child server has exited.
    func serverExited() async throws {
        _ = try await watcher.exit()
    }
}
