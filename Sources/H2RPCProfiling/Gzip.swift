import H2RPC

/// gzip for pprof files (stored and served gzip-compressed), through H2RPC's zlib wrapper; its
/// errors as the profiler names them.
enum Gzip {
    static func compress(_ input: [UInt8]) throws(ProfilingError) -> [UInt8] {
        do {
            return try Zlib.compress(input[...], format: .gzip, headroom: 0)
        } catch {
            guard case .failed(_, let code) = error else { throw .compressionFailed(code: 0) }
            throw .compressionFailed(code: code)
        }
    }

    /// Decompresses one gzip member of at most `limit` bytes.
    static func decompress(_ input: [UInt8], limit: Int) throws(ProfilingError) -> [UInt8] {
        do {
            return try Zlib.decompress(input, format: .gzip, limit: limit)
        } catch {
            switch error {
            case .tooLarge: throw .malformedProfile("larger than \(limit) bytes once decompressed")
            case .truncated: throw .malformedProfile("the gzip data is truncated")
            case .failed(let operation, let code) where operation == "inflateInit2":
                throw .malformedProfile("zlib inflateInit2 failed (code \(code))")
            case .failed(_, let code): throw .malformedProfile("not gzip data (zlib code \(code))")
            }
        }
    }
}
