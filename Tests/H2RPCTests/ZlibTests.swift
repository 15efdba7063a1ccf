import Testing
@testable import H2RPC

@Suite struct ZlibTests {
    static let text = Array("hello hello hello hello".utf8)
    // Produced by Python: gzip.compress(text, mtime=0) and zlib.compress(text), independent encoders.
    static let pythonGzip: [UInt8] = [
        31, 139, 8, 0, 0, 0, 0, 0, 2, 3, 203, 72, 205, 201, 201, 87, 200, 64, 39, 1, 227, 81, 61, 141, 23, 0, 0, 0,
    ]
    static let pythonDeflate: [UInt8] = [120, 156, 203, 72, 205, 201, 201, 87, 200, 64, 39, 1, 104, 3, 8, 177]

    @Test func decodesPythonGzipAndZlibContainers() throws {
        #expect(try Zlib.decompress(Self.pythonGzip, format: .gzip, limit: 100) == Self.text)
        #expect(try Zlib.decompress(Self.pythonDeflate, format: .deflate, limit: 100) == Self.text)
        // The containers differ: gzip bytes are not a zlib stream.
        #expect(throws: ZlibError.self) { try Zlib.decompress(Self.pythonGzip, format: .deflate, limit: 100) }
    }

    @Test(arguments: [CompressionAlgorithm.gzip, .deflate])
    func roundTripsWithHeadroom(_ format: CompressionAlgorithm) throws {
        let input = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let packed = try Zlib.compress(input[...], format: format, headroom: 5)
        #expect(packed[0..<5] == [0, 0, 0, 0, 0])
        #expect(format == .gzip ? packed[5] == 0x1F && packed[6] == 0x8B : packed[5] == 0x78)
        #expect(try Zlib.decompress(Array(packed[5...]), format: format, limit: 200_000) == input)
    }

    @Test func decompressionLimitStopsZipBombs() throws {
        let bomb = try Zlib.compress([UInt8](repeating: 0, count: 10_000_000)[...], format: .gzip, headroom: 0)
        #expect(bomb.count < 20_000)
        #expect(throws: ZlibError.tooLarge(limit: 4_194_304)) {
            try Zlib.decompress(bomb, format: .gzip, limit: 4_194_304)
        }
    }

    @Test func truncatedAndCorruptInputFail() {
        #expect(throws: ZlibError.truncated) {
            try Zlib.decompress(Array(Self.pythonGzip.prefix(15)), format: .gzip, limit: 100)
        }
        var corrupt = Self.pythonDeflate
        corrupt[3] ^= 0xFF
        #expect(throws: ZlibError.self) { try Zlib.decompress(corrupt, format: .deflate, limit: 100) }
    }

    @Test func acceptEncodingParsing() {
        #expect(CompressionAlgorithm.parseAcceptEncoding("identity, deflate, gzip") == ["identity", "deflate", "gzip"])
        #expect(CompressionAlgorithm(name: "snappy") == nil)
        #expect(CompressionAlgorithm(name: "gzip") == .gzip)
    }
}
