import Dispatch
import Foundation
import Synchronization
import RPCBenchCore
import RPCBenchServer

/// Exit paths: every one of them stops the child servers first.
enum Terminal {
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []
    /// Set once a SIGINT/SIGTERM is being handled: the run's own failures after it (a child server
    /// killed by the handler "exited before listening") are consequences, not causes.
    private static let interrupting = Atomic<Bool>(false)

    /// SIGINT and SIGTERM: stop children, clear the progress line, one line, exit 130 / 143.
    static func installSignalHandlers(progress: ProgressLine?) {
        for (signalNumber, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
                interrupting.store(true, ordering: .sequentiallyConsistent)
                progress?.clear()
                ChildRegistry.shared.killAll()
                printError("rpcbench: interrupted")
                exit(code)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Prints `rpcbench: <what>` and exits with the error's status, after stopping every child.
    static func fail(_ error: BenchError) -> Never {
        // The signal handler exits with its own status and line; this thread only waits for it.
        while interrupting.load(ordering: .sequentiallyConsistent) { pause() }
        ChildRegistry.shared.killAll()
        printError("rpcbench: \(error)")
        exit(error.exitCode)
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }

    /// Writes `text` to `path`; a failure is a usage error naming the file.
    static func write(_ text: String, to path: String) throws(BenchError) {
        do {
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw .usage("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
