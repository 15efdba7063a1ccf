#if canImport(Glibc)
    import Glibc
#endif

/// The arguments of `serve` (`[serve] --proto P [--host H] [--port N] [--threads N] [--busy-poll-us N]
/// [--tls-cert FILE --tls-key FILE] [--profiler-port N] [--exit-with-parent]`),
/// parsed by hand so that `rpcbench-server` needs neither Foundation nor ArgumentParser: its resident
/// memory is then the server's own.
public struct ServerCommandLine: Sendable, Equatable {
    public var kind: BenchProtocolKind
    public var host = "127.0.0.1"
    public var port = 50051
    public var threads: Int?
    /// Microseconds an idle event loop polls before it blocks (nil: it blocks at once).
    public var busyPollMicroseconds: Int?
    public var exitWithParent = false
    /// Serve over TLS with this certificate chain and key (PEM files); nil: plaintext.
    public var tls: BenchTLSFiles?
    /// Also serve `h2rpc.debug.v1.Profiler` (CPU profiles of this process) on this port (0: any free
    /// one); the listening line then ends with `; profiler on HOST:PORT`.
    public var profilerPort: Int?

    public init(
        kind: BenchProtocolKind, host: String = "127.0.0.1", port: Int = 50051, threads: Int? = nil,
        busyPollMicroseconds: Int? = nil, exitWithParent: Bool = false, tls: BenchTLSFiles? = nil
    ) {
        self.tls = tls
        self.kind = kind
        self.host = host
        self.port = port
        self.threads = threads
        self.busyPollMicroseconds = busyPollMicroseconds
        self.exitWithParent = exitWithParent
    }

    public static func parse(_ arguments: [String]) throws(BenchError) -> ServerCommandLine {
        var args = arguments[...]
        if args.first == "serve" { args = args.dropFirst() }
        var kind: BenchProtocolKind?
        var line = ServerCommandLine(kind: .tcp)
        var certificate: String?
        var key: String?
        while let name = args.popFirst() {
            func value() throws(BenchError) -> String {
                guard let v = args.popFirst() else { throw .usage("\(name) needs a value") }
                return v
            }
            switch name {
            case "--proto":
                let v = try value()
                guard let k = BenchProtocolKind(rawValue: v) else {
                    throw .usage(
                        "unknown protocol '\(v)' (known: \(BenchProtocolKind.allCases.map(\.rawValue).joined(separator: ", ")))"
                    )
                }
                kind = k
            case "--host": line.host = try value()
            case "--port":
                let v = try value()
                guard let p = Int(v), (0...65535).contains(p) else { throw .usage("--port \(v) is not 0…65535") }
                line.port = p
            case "--threads":
                let v = try value()
                guard let t = Int(v), t >= 1 else { throw .usage("--threads \(v) is not a number of at least 1") }
                line.threads = t
            case "--busy-poll-us":
                let v = try value()
                guard let us = Int(v), us >= 0 else {
                    throw .usage("--busy-poll-us \(v) is not a number of at least 0")
                }
                line.busyPollMicroseconds = us
            case "--profiler-port":
                let v = try value()
                guard let p = Int(v), (0...65535).contains(p) else {
                    throw .usage("--profiler-port \(v) is not 0…65535")
                }
                line.profilerPort = p
            case "--exit-with-parent": line.exitWithParent = true
            case "--tls-cert": certificate = try value()
            case "--tls-key": key = try value()
            default:
                throw .usage(
                    "unknown option '\(name)' (serve takes --proto, --host, --port, --threads, --busy-poll-us, --tls-cert, --tls-key, --profiler-port)"
                )
            }
        }
        switch (certificate, key) {
        case (let certificate?, let key?): line.tls = BenchTLSFiles(certificateChain: certificate, privateKey: key)
        case (nil, nil): break
        case (nil, _?): throw .usage("--tls-key needs --tls-cert")
        case (_?, nil): throw .usage("--tls-cert needs --tls-key")
        }
        guard let kind else { throw .usage("--proto is required (tcp, h2 or grpc)") }
        line.kind = kind
        return line
    }

    /// Starts the server, prints `rpcbench: <proto> listening on HOST:PORT (pid N)` and serves until killed.
    /// Errors print one line and exit non-zero.
    public func run() async -> Never {
        if exitWithParent { ParentWatch.start() }
        do {
            let server = try await BenchServers.start(
                kind, host: host, port: port, threads: threads,
                busyPoll: BenchServers.busyPoll(microseconds: busyPollMicroseconds),
                tls: tls)
            let shown = host.contains(":") ? "[\(host)]:\(server.port)" : "\(host):\(server.port)"
            let over = tls == nil ? "" : " over TLS"
            var profilerNote = ""
            var profiler: BenchProfiler? = nil
            if let profilerPort {
                let started = try await BenchProfiler.start(host: host, port: profilerPort)
                profilerNote = "; profiler on \(host.contains(":") ? "[\(host)]" : host):\(started.port)"
                profiler = started
            }
            ServerCommandLine.writeLine(
                1, "rpcbench: \(kind.rawValue)\(over) listening on \(shown) (pid \(getpid()))\(profilerNote)")
            while true {
                try? await Task.sleep(for: .seconds(3600))
                withExtendedLifetime(profiler) {}  // the profiler serves as long as the process runs
            }
        } catch {
            ServerCommandLine.writeLine(2, "rpcbench: \(error)")
            exit(error.exitCode)
        }
    }

    /// One line straight to a descriptor: a parent reading the pipe must see it now, not at exit. A line
    /// shorter than PIPE_BUF (4 KiB) goes in one piece.
    public static func writeLine(_ fd: Int32, _ text: String) {
        let bytes = Array((text + "\n").utf8)
        _ = write(fd, bytes, bytes.count)
    }
}
