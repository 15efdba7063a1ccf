import ArgumentParser
import Glibc
import H2RPC
import H2RPCProfiling

/// Fetches a CPU profile from a server that serves `h2rpc.debug.v1.Profiler` (``ProfilerService``)
/// and writes it where `go tool pprof` reads it:
/// `h2rpc-pprof --target 127.0.0.1:8080 --seconds 10 --out cpu.pb.gz [--svg cpu.svg]`, then
/// `go tool pprof -top cpu.pb.gz`.
@main
struct PprofCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "h2rpc-pprof",
        abstract: "Fetch a CPU profile (pprof format) from an h2rpc server's Profiler service.")

    @Option(help: "The server, host:port.")
    var target: String

    @Option(help: "How long the server samples, 1...300 seconds.")
    var seconds = 30

    @Option(help: "Samples per CPU-second, 1...1000.")
    var frequency = 100

    @Option(help: "Where to write the gzip-compressed profile.")
    var out: String

    @Option(help: "Also write a flame graph of the profile (SVG) here.")
    var svg: String?

    func run() async throws {
        var configuration = RPCChannel.Configuration()
        configuration.maxReceiveMessageSize = 256 << 20
        let channel = try RPCChannel(target: target, configuration: configuration)
        let client = H2rpc_Debug_V1_Profiler.Client(channel: channel)
        let response: H2rpc_Debug_V1_CpuProfileResponse
        do {
            response = try await client.cpuProfile(
                H2rpc_Debug_V1_CpuProfileRequest.with {
                    $0.seconds = Int32(clamping: seconds)
                    $0.frequencyHz = Int32(clamping: frequency)
                })
        } catch {
            await channel.close()
            throw error
        }
        await channel.close()
        try write(response.profile, to: out)
        print("wrote \(response.profile.count) bytes to \(out); read it with: go tool pprof -top \(out)")
        if let svg {
            let profile = try Perftools_Profiles_Profile(pprofData: response.profile)
            try write(Array(FlameGraph.svg(profile, title: "CPU profile of \(target), \(seconds) s").utf8), to: svg)
            print("wrote the flame graph to \(svg)")
        }
    }

    private func write(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ValidationError("cannot open \(path): errno \(errno)") }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw ValidationError("cannot write \(path): errno \(errno)") }
            written += n
        }
    }
}
