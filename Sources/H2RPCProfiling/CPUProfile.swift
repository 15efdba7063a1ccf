/// The samples of one CPU profile, as raw stacks; ``pprof()`` symbolizes them into pprof's
/// `Profile` message and ``pprofData()`` into the gzip-compressed file `go tool pprof` reads.
public struct CPUProfile: Sendable {
    /// Each sample's stack: instruction addresses, the interrupted one first, then return addresses.
    public let stacks: [[UInt]]
    /// Each sample's thread (Linux thread id), in the order of ``stacks``; empty when unknown.
    public let threadIDs: [Int32]
    /// Samples per CPU-second: each sample stands for `1 / frequency` seconds of CPU time.
    public let frequency: Int
    /// When sampling started, in nanoseconds since the Unix epoch.
    public let startTimeNanos: Int64
    /// How long sampling lasted.
    public let duration: Duration
    /// Samples that did not fit into the buffer.
    public let droppedSamples: Int

    init(
        stacks: [[UInt]], threadIDs: [Int32] = [], frequency: Int, startTimeNanos: Int64, duration: Duration,
        droppedSamples: Int
    ) {
        self.stacks = stacks
        self.threadIDs = threadIDs
        self.frequency = frequency
        self.startTimeNanos = startTimeNanos
        self.duration = duration
        self.droppedSamples = droppedSamples
    }

    /// The sampling period in nanoseconds of CPU time.
    public var periodNanos: Int64 { 1_000_000_000 / Int64(frequency) }

    /// The profile as pprof's message: sample types samples/count and cpu/nanoseconds, period type
    /// cpu/nanoseconds; each sample labelled `thread` with its thread id (`go tool pprof
    /// -tagfocus=thread=^1234$` keeps one thread's); functions named through dladdr and the Swift runtime's demangler, mappings
    /// from /proc/self/maps.
    public func pprof() -> Perftools_Profiles_Profile {
        ProfileBuilder.build(self, symbolizer: Symbolizer(mappings: ProcessMappings.current()))
    }

    /// The gzip-compressed, serialized ``pprof()``: the file or HTTP body `go tool pprof` reads.
    /// - Throws: ``ProfilingError/compressionFailed(code:)``.
    public func pprofData() throws(ProfilingError) -> [UInt8] {
        try Gzip.compress(pprof().serializedBytes())
    }
}

extension Perftools_Profiles_Profile {
    /// Decodes a pprof file: gzip-compressed (as ``CPUProfile/pprofData()`` writes it) or not, at most
    /// 256 MiB decompressed.
    /// - Throws: ``ProfilingError/malformedProfile(_:)`` saying what is wrong.
    public init(pprofData bytes: [UInt8]) throws(ProfilingError) {
        let raw = bytes.starts(with: [0x1f, 0x8b]) ? try Gzip.decompress(bytes, limit: 256 << 20) : bytes
        do {
            try self.init(serializedBytes: raw)
        } catch {
            throw .malformedProfile("\(error)")
        }
    }
}
