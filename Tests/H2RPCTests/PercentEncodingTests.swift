import Testing
@testable import H2RPC

@Suite struct PercentEncodingTests {
    static let special = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"
    static let specialWire =
        "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88%09%0A"

    // The wire form is the one the interop spec gives for special_status_message.
    @Test func encodesInteropSpecialMessage() {
        #expect(PercentEncoding.encode(Self.special) == Self.specialWire)
        #expect(PercentEncoding.decode(Self.specialWire) == Self.special)
    }

    @Test func percentSignAndEdgeSpacesAreEncoded() {
        #expect(PercentEncoding.encode("100% done") == "100%25 done")
        #expect(PercentEncoding.encode(" oops ") == "%20oops%20")
        #expect(PercentEncoding.decode("%20oops%20") == " oops ")
    }

    @Test func malformedSequencesDecodeAsIs() {
        #expect(PercentEncoding.decode("50%") == "50%")
        #expect(PercentEncoding.decode("%zz%4") == "%zz%4")
        #expect(PercentEncoding.decode("%41%61") == "Aa")
        #expect(PercentEncoding.decode("%FF") == "\u{FFFD}")
    }
}
