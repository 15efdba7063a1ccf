import ArgumentParser
import Foundation
import RPCBenchCore

/// `rpcbench serve --proto tcp|h2|grpc --port P`: one protocol's server, until a signal stops it.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the server of one protocol (tcp, h2 or grpc) until interrupted.")

    @Option(help: "tcp, h2 or grpc.")
    var proto: String

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "Port to listen on (0: any free port; the chosen one is printed).")
    var port: Int = 50051

    @Option(help: "Event-loop threads (default: one per core).")
    var threads: Int?

    @Flag(help: .hidden)
    var exitWithParent = false

    func run() async throws {
        do throws(BenchError) {
            let kind = try parseProtocol(proto)
            guard (0...65535).contains(port) else { throw .usage("--port \(port) is not 0…65535") }
            if let threads, threads < 1 { throw .usage("--threads must be at least 1") }
            if exitWithParent { ParentWatch.start() }
            let server = try await ProtocolRegistry.startServer(kind, host: host, port: port,
                                                                settings: ProtocolSettings(threads: threads))
            // Written straight to the descriptor: a parent reading the pipe must see it now, not at exit.
            let line = "rpcbench: \(kind.rawValue) listening on \(Target(host: host, port: server.port)) (pid \(ProcessInfo.processInfo.processIdentifier))\n"
            FileHandle.standardOutput.write(Data(line.utf8))
            while true { try? await Task.sleep(for: .seconds(3600)) }
        } catch {
            Terminal.fail(error)
        }
    }
}

/// Ends a `serve` child when its parent goes away: the parent holds our stdin's write end, and the
/// kernel closes it when the parent dies for any reason, SIGKILL included.
enum ParentWatch {
    static func start() {
        let thread = Thread {
            while !FileHandle.standardInput.availableData.isEmpty {}
            exit(0)
        }
        thread.start()
    }
}
