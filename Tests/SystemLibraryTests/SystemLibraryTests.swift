import CNGHTTP2
import CZlib
import Testing

/// The system-library targets compile and link: each calls into its C library.
@Suite struct SystemLibraryTests {
    @Test func nghttp2IsLinkedAndAtLeast152() throws {
        let info = try #require(nghttp2_version(0))
        let version = info.pointee.version_num
        // 1.52.0 is 0x013400: Debian 12's libnghttp2, the oldest version the project supports.
        #expect(version >= 0x01_34_00)
        #expect(String(cString: info.pointee.version_str).hasPrefix("1."))
    }

    @Test func zlibCRC32MatchesKnownVector() {
        // CRC-32 of "123456789" is 0xCBF43926: the check value of the CRC-32/ISO-HDLC spec.
        let bytes = Array("123456789".utf8)
        let crc = bytes.withUnsafeBufferPointer { crc32(0, $0.baseAddress, UInt32($0.count)) }
        #expect(crc == 0xCBF4_3926)
    }
}
