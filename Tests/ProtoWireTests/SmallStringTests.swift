// Decoding builds short ASCII strings by laying out the standard library's small-string words itself,
// and encoding reads short strings' words directly (Sources/ProtoWire/Internal/SmallString.swift).
// Each decoded string must be indistinguishable from one the standard library built from the same
// bytes: equal, same hash, same bytes and counts, still usable after mutation. Each encoded string
// must be the record the wire format spells out (tag, length, UTF-8 bytes), written by hand here.
// Lengths 0…16 cover every branch and the cut-over to the standard library's paths.
import ProtoWire
import Testing

@Suite struct SmallStringTests {
    /// A `string` field (TestAll.f_string = 14) holding `bytes`.
    private func decodedString(_ bytes: [UInt8]) throws -> String {
        let record: [UInt8] = [0x72] + Tools.varint(bytes.count) + bytes
        return try TestAll(serializedBytes: record).fString
    }

    @Test(arguments: 0...16)
    func asciiStringOfLengthMatchesStandardLibrary(length: Int) throws {
        // Distinct bytes per position, including 0x00 and 0x7F, so that a byte in the wrong place shows.
        let alphabets: [[UInt8]] = [
            (0..<length).map { UInt8(0x41 + $0) },
            (0..<length).map { $0 % 2 == 0 ? 0x00 : 0x7F },
            (0..<length).map { UInt8(0x7F - $0) },
        ]
        for bytes in alphabets {
            let reference = String(decoding: bytes, as: UTF8.self)
            var decoded = try decodedString(bytes)
            #expect(decoded == reference)
            #expect(decoded.hashValue == reference.hashValue)
            #expect(Array(decoded.utf8) == bytes)
            #expect(decoded.utf8.count == length)
            #expect(decoded.count == reference.count)
            #expect(decoded.isContiguousUTF8)
            #expect(decoded.unicodeScalars.map(\.value) == reference.unicodeScalars.map(\.value))
            // Still a valid string after mutation (grows past the inline capacity at 16).
            decoded += "é"
            #expect(decoded == reference + "é")
            // Compare through a Set too: equal strings must collide in a hashed collection.
            #expect(Set([reference, try decodedString(bytes)]).count == 1)
        }
    }

    @Test func nonASCIIShortStringsTakeTheStandardPath() throws {
        for text in ["é", "aé", "中文", "🎉x", "abcdefghijklmé"] {
            let decoded = try decodedString(Array(text.utf8))
            #expect(decoded == text)
            #expect(decoded.hashValue == text.hashValue)
        }
    }

    /// ASCII and non-ASCII strings of 0…16 UTF-8 bytes, built by the standard library.
    private static func strings(length: Int) -> [String] {
        var result = [String(decoding: (0..<length).map { UInt8(0x61 + $0) }, as: UTF8.self)]
        if length >= 2 {
            // "é" (2 bytes) then ASCII: a non-ASCII small string.
            result.append("é" + String(repeating: "x", count: length - 2))
        }
        return result
    }

    @Test(arguments: 0...16)
    func encodedStringIsTheWireRecord(length: Int) throws {
        for text in Self.strings(length: length) {
            let utf8 = Array(text.utf8)
            let stringRecord: [UInt8] = length == 0 ? [] : [0x72] + Tools.varint(utf8.count) + utf8
            // Alone: the string's record ends the buffer.
            var alone = TestAll()
            alone.fString = text
            #expect(alone.encodedSize() == stringRecord.count)
            #expect(alone.serializedBytes() == stringRecord)
            // Followed by other fields (f_bytes = 15, o_string = 34).
            var followed = alone
            followed.fBytes = [1, 2, 3]
            followed.oString = text
            let expected = stringRecord + [0x7A, 3, 1, 2, 3] + [0x92, 0x02] + Tools.varint(utf8.count) + utf8
            #expect(followed.encodedSize() == expected.count)
            #expect(followed.serializedBytes() == expected)
        }
    }
}
