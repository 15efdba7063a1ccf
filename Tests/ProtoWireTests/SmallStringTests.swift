// Decoding builds short ASCII strings by laying out the standard library's small-string words itself
// (Sources/ProtoWire/Internal/SmallString.swift). Each decoded string must be indistinguishable from
// one the standard library built from the same bytes: equal, same hash, same bytes and counts, still
// usable after mutation. Lengths 0…16 cover every branch of the word assembly and the cut-over to
// the standard library's constructor.
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
}
