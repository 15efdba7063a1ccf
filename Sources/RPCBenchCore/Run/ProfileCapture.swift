public import RPCBenchServer
import Foundation
import H2RPC
import H2RPCProfiling

/// CPU profiles of a child server while a scenario runs (`rpcbench compare --profile DIR`), fetched
/// from the `h2rpc.debug.v1.Profiler` it serves with `--profiler-port`, written as
/// `DIR/<protocol>-<scenario>.pb.gz` (for `go tool pprof`) and a flame graph `DIR/<protocol>-<scenario>.svg`.
public enum ProfileCapture {
    /// Whole seconds of sampling for `plan`: its warm-up and measurement, at least 1.
    public static func seconds(for plan: LoadPlan) -> Int {
        max(1, Int((plan.warmup + plan.duration).rounded(.down)))
    }

    /// Starts sampling the server whose profiler listens on `host:port` for `seconds`; the task
    /// returns the gzip-compressed profile.
    public static func start(host: String, port: Int, seconds: Int) -> Task<[UInt8], any Error> {
        Task {
            var configuration = RPCChannel.Configuration()
            configuration.maxReceiveMessageSize = 256 << 20
            let channel = try RPCChannel(target: "\(host):\(port)", configuration: configuration)
            do {
                let response = try await H2rpc_Debug_V1_Profiler.Client(channel: channel)
                    .cpuProfile(H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = Int32(seconds) })
                await channel.close()
                return response.profile
            } catch {
                await channel.close()
                throw error
            }
        }
    }

    /// Waits for `capture` and writes its profile and flame graph into `directory` as `name`.pb.gz and `name`.svg.
    public static func finish(
        _ capture: Task<[UInt8], any Error>, directory: String, name: String, title: String
    ) async throws(BenchError) {
        let data: [UInt8]
        let profile: Perftools_Profiles_Profile
        do {
            data = try await capture.value
            profile = try Perftools_Profiles_Profile(pprofData: data)
        } catch {
            throw .peer("cannot take the CPU profile \(name): \(error)")
        }
        let base = URL(fileURLWithPath: directory)
        do {
            try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
            try Data(data).write(to: base.appendingPathComponent("\(name).pb.gz"))
            try Data(FlameGraph.svg(profile, title: title).utf8).write(to: base.appendingPathComponent("\(name).svg"))
        } catch {
            throw .usage("cannot write the profile \(name) into \(directory): \(error.localizedDescription)")
        }
    }
}
