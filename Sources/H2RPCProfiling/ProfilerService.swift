public import H2RPC

/// `h2rpc.debug.v1.Profiler`: CPU profiles of the serving process over gRPC, in the gzip-compressed
/// `profile.proto` format `go tool pprof` reads (what Go's `net/http/pprof` serves at
/// `/debug/pprof/profile`). Opt-in: add it to the server's services.
///
/// ```swift
/// let server = RPCServer(services: [MyService(), ProfilerService()])
/// ```
///
/// `h2rpc-pprof --target 127.0.0.1:8080 --seconds 10 --out cpu.pb.gz` fetches a profile;
/// `go tool pprof -top cpu.pb.gz` reads it. One profile at a time: a second request while one runs
/// fails with RESOURCE_EXHAUSTED. Cancelling the call (or its deadline) stops sampling.
public struct ProfilerService: H2rpc_Debug_V1_Profiler.ServiceProtocol {
    /// The longest profile a request may ask for.
    public static let maxSeconds = 300

    /// The service; it holds no state (the profiler is one per process).
    public init() {}

    public func cpuProfile(
        request: H2rpc_Debug_V1_CpuProfileRequest, context: ServerContext
    ) async throws -> H2rpc_Debug_V1_CpuProfileResponse {
        do throws(ProfilingError) {
            let data = try await Self.profileData(seconds: Int(request.seconds), frequency: Int(request.frequencyHz))
            return H2rpc_Debug_V1_CpuProfileResponse.with { $0.profile = data }
        } catch {
            throw error.rpcError
        }
    }

    /// A gzip-compressed profile of `seconds` (0: 30) at `frequency` Hz (0: 100), both checked.
    static func profileData(seconds: Int, frequency: Int) async throws(ProfilingError) -> [UInt8] {
        let seconds = seconds == 0 ? 30 : seconds
        let frequency = frequency == 0 ? 100 : frequency
        guard (1...maxSeconds).contains(seconds) else {
            throw .invalidArgument("seconds \(seconds) is outside 1...\(maxSeconds)")
        }
        guard (1...1000).contains(frequency) else {
            throw .invalidArgument("frequency \(frequency) Hz is outside 1...1000")
        }
        return try await CPUProfiler.profile(for: .seconds(seconds), frequency: frequency).pprofData()
    }
}

extension ProfilingError: RPCErrorConvertible {
    /// RESOURCE_EXHAUSTED for ``busy``, CANCELLED, INVALID_ARGUMENT, INTERNAL for the rest.
    public var rpcError: RPCError {
        switch self {
        case .busy: RPCError(code: .resourceExhausted, message: description)
        case .cancelled: RPCError(code: .cancelled, message: description)
        case .invalidArgument: RPCError(code: .invalidArgument, message: description)
        case .systemCallFailed, .compressionFailed, .malformedProfile: RPCError(code: .internal, message: description)
        }
    }
}
