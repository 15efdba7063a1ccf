// ProtoWire validates string fields with its own UTF-8 check (the standard library's generic one is
// slow); it must accept and reject exactly what the standard library's validating decoder does.
import ProtoWire
import Testing

@Suite struct UTF8ValidationTests {
    @Test func agreesWithStandardLibraryOnRandomBytes() throws {
        var g = SplitMix64(seed: 0x0717_F8)
        // Bytes biased toward the interesting ranges: ASCII, continuation bytes, lead bytes, edges.
        let alphabet: [UInt8] = [
            0x41, 0x00, 0x7F, 0x80, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xED, 0xEE, 0xEF,
            0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x8F, 0x90,
        ]
        var accepted = 0
        for _ in 0..<20_000 {
            let n = Int.random(in: 0...12, using: &g)
            let bytes = (0..<n).map { _ in
                Bool.random(using: &g) ? alphabet.randomElement(using: &g)! : UInt8.random(in: 0...255, using: &g)
            }
            let record: [UInt8] = [0x72] + Tools.varint(bytes.count) + bytes  // f_string = 14
            let stdlib = String(validating: bytes, as: UTF8.self)
            do {
                let m = try TestAll(serializedBytes: record)
                #expect(stdlib != nil, "accepted invalid UTF-8 \(bytes)")
                #expect(m.fString == stdlib)
                accepted += 1
            } catch {
                #expect(stdlib == nil, "rejected valid UTF-8 \(bytes)")
                #expect(error.kind == .invalidUTF8)
            }
        }
        #expect(accepted > 1000)
    }

    @Test func longASCIIAndMixedStrings() throws {
        for s in [
            String(repeating: "abcdefgh", count: 100), String(repeating: "aé中🎉", count: 50) + "x",
            "1234567é", "12345678é", "\u{10FFFF}", "\u{FFFD}",
        ] {
            var m = TestAll()
            m.fString = s
            #expect(try TestAll(serializedBytes: m.serializedBytes()).fString == s)
        }
    }
}
