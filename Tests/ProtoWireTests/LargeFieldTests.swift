// `bytes` and `string` fields from empty to 1 MiB: around every length-prefix boundary (1-, 2- and
// 3-byte varints) and across the size where strings switch from ProtoWire's own UTF-8 check to the
// standard library's. Python protobuf (upb) builds the expected bytes; ProtoWire must produce exactly
// them and read them back to the same values, and reject invalid UTF-8 at every size naming the field.
import ProtoWire
import Testing

@Suite struct LargeFieldTests {
    static let sizes = [0, 1, 15, 16, 127, 128, 16383, 16384, 1 << 20]

    /// The patterns of `pyproto.py large`, built here independently.
    static func ascii(_ n: Int) -> String {
        String(decoding: (0..<n).map { UInt8(0x20 + ($0 * 7) % 95) }, as: UTF8.self)
    }

    static func binary(_ n: Int) -> [UInt8] {
        (0..<n).map { UInt8(truncatingIfNeeded: $0 * 7 + 3) }
    }

    static func mixed(_ n: Int) -> String {
        String(repeating: "a\u{E9}\u{4E2D}\u{1F389}", count: n / 10) + String(repeating: "x", count: n % 10)
    }

    @Test func encodesAndDecodesExactlyAsPythonAtEverySize() async throws {
        let python = try await Tools.pythonLarge(Self.sizes)
        try #require(python.count == 2 * Self.sizes.count)
        for (i, n) in Self.sizes.enumerated() {
            var plain = TestAll()
            plain.fString = Self.ascii(n)
            plain.fBytes = Self.binary(n)
            var multibyte = TestAll()
            multibyte.fString = Self.mixed(n)
            #expect(multibyte.fString.utf8.count == n)
            for (message, expected) in [(plain, python[2 * i]), (multibyte, python[2 * i + 1])] {
                #expect(message.serializedBytes() == expected, "encoding of size \(n) differs from python's")
                let decoded = try TestAll(serializedBytes: expected)
                #expect(decoded == message, "decoding python's size \(n) gave other values")
                #expect(decoded.serializedBytes() == expected, "re-encoding of size \(n) differs from python's")
                // A message decoded from a borrowed buffer, and one with headroom (gRPC's prefix).
                let borrowed = try expected.withUnsafeBytes { try TestAll(buffer: $0) }
                #expect(borrowed == message)
                #expect(Array(message.serializedBytes(headroom: 5).dropFirst(5)) == expected)
            }
        }
    }

    /// An invalid byte at the start, in the middle, at the end, and a sequence cut short by the end of
    /// the field, in ASCII and in multibyte text: a typed error naming field 14 at the string's first
    /// byte, and python rejects the same inputs.
    @Test func rejectsInvalidUTF8AtEverySizeNamingTheField() async throws {
        var inputs: [(bytes: [UInt8], valueStart: Int)] = []
        for n in Self.sizes where n > 0 {
            let ascii = Array(Self.ascii(n).utf8), mixed = Array(Self.mixed(n).utf8)
            var variants: [[UInt8]] = []
            for base in [ascii, mixed] {
                for at in Set([0, n / 2, n - 1]) {
                    var bad = base
                    bad[at] = 0xFF
                    variants.append(bad)
                }
            }
            if n >= 2 { variants.append(Array(ascii.dropLast(2)) + [0xE4, 0xB8]) }  // 3-byte sequence cut short
            for value in variants {
                let prefix: [UInt8] = [0x72] + Tools.varint(value.count)  // field 14, length-delimited
                inputs.append((prefix + value, prefix.count))
            }
        }
        for input in inputs {
            #expect {
                try TestAll(serializedBytes: input.bytes)
            } throws: { error in
                guard let error = error as? ProtoDecodeError else { return false }
                return error.kind == .invalidUTF8 && error.fieldNumber == 14 && error.offset == input.valueStart
                    && error.description.contains("(field 14)")
            }
        }
        let verdicts = try await Tools.pythonCheck("wiretest.TestAll", inputs.map(\.bytes))
        #expect(verdicts.count == inputs.count)
        #expect(verdicts.allSatisfy { $0.hasPrefix("error") }, "python accepted one of the invalid strings")
    }

    /// The same bytes in a `bytes` field are kept as they are, at every size.
    @Test func bytesFieldsKeepAnyBytes() throws {
        for n in Self.sizes {
            let value = (0..<n).map { UInt8(truncatingIfNeeded: 0xFF &- $0) }
            let record: [UInt8] = n == 0 ? [] : [0x7A] + Tools.varint(n) + value  // field 15
            let decoded = try TestAll(serializedBytes: record)
            #expect(decoded.fBytes == value)
            #expect(decoded.serializedBytes() == record)
        }
    }
}
