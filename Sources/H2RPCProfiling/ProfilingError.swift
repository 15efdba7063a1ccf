/// Why a CPU profile could not be taken.
public enum ProfilingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Another CPU profile of this process is being taken: the profiling timer is process-wide, so
    /// there is one profile at a time.
    case busy
    /// The task was cancelled; sampling stopped.
    case cancelled
    /// An argument is out of range: which one and why.
    case invalidArgument(String)
    /// A system call failed while starting the profiler.
    case systemCallFailed(operation: String, errno: Int32)
    /// zlib failed while compressing the profile (its return code).
    case compressionFailed(code: Int32)
    /// Bytes given as a pprof file are not one: what is wrong.
    case malformedProfile(String)

    public var description: String {
        switch self {
        case .busy: "a CPU profile is already being taken in this process (one at a time)"
        case .cancelled: "CPU profile cancelled"
        case .invalidArgument(let why): "invalid CPU profile request: \(why)"
        case .systemCallFailed(let operation, let errno): "\(operation) failed (errno \(errno))"
        case .compressionFailed(let code): "gzip of the profile failed (zlib code \(code))"
        case .malformedProfile(let why): "not a pprof profile: \(why)"
        }
    }
}
