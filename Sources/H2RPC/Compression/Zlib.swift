import CZlib

/// What went wrong in zlib.
package enum ZlibError: Error, Sendable, Hashable, CustomStringConvertible {
    /// zlib returned an error code (`Z_DATA_ERROR` for corrupt input …) while doing `operation`.
    case failed(operation: String, code: Int32)
    /// The input ended before the compressed stream did.
    case truncated
    /// Decompressed output would exceed the receive limit.
    case tooLarge(limit: Int)

    package var description: String {
        switch self {
        case .failed(let op, let code): return "zlib \(op) failed (code \(code))"
        case .truncated: return "compressed message is truncated"
        case .tooLarge(let limit): return "decompressed message larger than max (\(limit))"
        }
    }
}

/// gzip and deflate through zlib: the one file of H2RPC that touches zlib and its pointers (the
/// profiler product gzips pprof files through it too).
/// Each message gets a fresh stream, as gRPC compresses every message independently.
package enum Zlib {
    /// `windowBits` for zlib: 15 (zlib container) for deflate, 15 + 16 (gzip container) for gzip.
    private static func windowBits(_ format: CompressionAlgorithm) -> Int32 {
        format == .gzip ? 15 + 16 : 15
    }

    /// Compresses `input` into a new buffer that starts with `headroom` zero bytes.
    package static func compress(
        _ input: ArraySlice<UInt8>, format: CompressionAlgorithm, headroom: Int
    ) throws(ZlibError) -> [UInt8] {
        var stream = z_stream()
        var rc = deflateInit2_(
            &stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, windowBits(format), 8, Z_DEFAULT_STRATEGY,
            ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .failed(operation: "deflateInit2", code: rc) }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, UInt(input.count)))
        var output = [UInt8](repeating: 0, count: headroom + bound)
        rc = input.withUnsafeBufferPointer { inBuf in
            output.withUnsafeMutableBufferPointer { outBuf in
                stream.next_in = UnsafeMutablePointer(mutating: inBuf.baseAddress)
                stream.avail_in = UInt32(inBuf.count)
                stream.next_out = outBuf.baseAddress! + headroom
                stream.avail_out = UInt32(bound)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard rc == Z_STREAM_END else { throw .failed(operation: "deflate", code: rc) }
        output.removeLast(Int(stream.avail_out))
        return output
    }

    /// Decompresses `input`; throws ``ZlibError/tooLarge(limit:)`` as soon as the output passes `limit`
    /// (zip bombs), ``ZlibError/truncated`` when the stream does not end, and `failed` on corrupt data.
    package static func decompress(
        _ input: [UInt8], format: CompressionAlgorithm, limit: Int
    ) throws(ZlibError) -> [UInt8] {
        var stream = z_stream()
        var rc = inflateInit2_(&stream, windowBits(format), ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else { throw .failed(operation: "inflateInit2", code: rc) }
        defer { inflateEnd(&stream) }
        var output = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: min(max(input.count * 4, 4096), 1 << 20))
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
                if output.count + produced > limit { return Z_MEM_ERROR - 100 }
                output.append(contentsOf: chunk[0..<produced])
                switch status {
                case Z_STREAM_END: return Z_STREAM_END
                case Z_OK: continue
                case Z_BUF_ERROR: return stream.avail_in == 0 ? Z_BUF_ERROR : status
                default: return status
                }
            }
        }
        switch rc {
        case Z_STREAM_END: return output
        case Z_MEM_ERROR - 100: throw .tooLarge(limit: limit)
        case Z_BUF_ERROR: throw .truncated
        default: throw .failed(operation: "inflate", code: rc)
        }
    }
}
