import H2RPC
import H2RPCProfiling

/// `h2rpc.debug.v1.Profiler` on a port of its own beside a bench server (`--profiler-port`), so that
/// `rpcbench compare --profile DIR` can take CPU profiles of whichever server runs in the process.
public final class BenchProfiler: Sendable {
    private let server: RPCServer
    /// The port it listens on.
    public let port: Int

    private init(server: RPCServer, port: Int) {
        self.server = server
        self.port = port
    }

    /// Serves the profiler on `host:port` (0: any free port) with one event loop.
    public static func start(host: String, port: Int) async throws(BenchError) -> BenchProfiler {
        var configuration = RPCServer.Configuration()
        configuration.loopCount = 1
        let server = RPCServer(services: [ProfilerService()], configuration: configuration)
        do {
            return BenchProfiler(server: server, port: try await server.start(host: host, port: port))
        } catch {
            throw .listen("cannot serve the profiler on \(host):\(port): \(error)")
        }
    }
}
