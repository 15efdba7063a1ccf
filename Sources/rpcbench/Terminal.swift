import Dispatch
import Foundation
import RPCBenchCore
import RPCBenchServer

/// Exit paths: every one of them stops the child servers first.
enum Terminal {
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []

    /// SIGINT and SIGTERM: stop children, clear the progress line, one line, exit 130 / 143.
    static func installSignalHandlers(progress: ProgressLine?) {
        for (signalNumber, code) in [(SIGINT, Int32(130)), (SIGTERM, Int32(143))] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler {
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
