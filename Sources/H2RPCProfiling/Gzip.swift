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

    /// Decompresses one gzip member of at most `limit` bytes.
    static func decompress(_ input: [UInt8], limit: Int) throws(ProfilingError) -> [UInt8] {
        var stream = z_stream()
        var rc = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .malformedProfile("zlib inflateInit2 failed (code \(rc))") }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        rc = input.withUnsafeBufferPointer { inBuf -> Int32 in
            stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
            stream.avail_in = UInt32(inBuf.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { outBuf -> (Int32, Int) in
                    stream.next_out = outBuf.baseAddress
                    stream.avail_out = UInt32(outBuf.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    return (status, outBuf.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { return Z_MEM_ERROR }
                if status == Z_OK && (stream.avail_in > 0 || produced > 0) { continue }
                return status
            }
        }
        switch rc {
        case Z_STREAM_END: return output
        case Z_MEM_ERROR: throw .malformedProfile("larger than \(limit) bytes once decompressed")
        case Z_OK, Z_BUF_ERROR: throw .malformedProfile("the gzip data is truncated")
        default: throw .malformedProfile("not gzip data (zlib code \(rc))")
        }
    }
}
