import CZlib

/// gzip through zlib: pprof profiles are stored and served gzip-compressed.
enum Gzip {
    static func compress(_ input: [UInt8]) throws(ProfilingError) -> [UInt8] {
        var stream = z_stream()
        var rc = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
            Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .compressionFailed(code: rc) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: bound)
        rc = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress
                stream.avail_out = UInt32(outBuf.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw .compressionFailed(code: rc) }
        output.removeLast(Int(stream.avail_out))
        return output
    }
}
