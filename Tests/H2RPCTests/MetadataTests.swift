import Testing
@testable import H2RPC

@Suite struct MetadataTests {
    @Test func keysAreLowerCasedAndOrderKept() {
        var m = Metadata()
        m.add("X-Foo", "1")
        m.add("x-foo", "2")
        m.add("x-bar", "3")
        #expect(m.values(forKey: "x-foo") == [.string("1"), .string("2")])
        #expect(m["X-FOO"] == "1")
        #expect(m.map(\.key) == ["x-foo", "x-foo", "x-bar"])
        m.removeAll(forKey: "x-foo")
        #expect(m.count == 1)
    }

    // Base64 reference values from Python's base64 module (an independent encoder).
    @Test func binaryValuesAreUnpaddedBase64OnTheWire() {
        var m = Metadata()
        m.add("x-grpc-test-echo-trailing-bin", binary: [0xAB, 0xAB, 0xAB])
        m.add("a-bin", binary: [1, 2])
        m.add("b-bin", binary: [0xFF])
        var headers: [HeaderField] = []
        m.appendHeaders(to: &headers)
        #expect(
            headers == [
                HeaderField("x-grpc-test-echo-trailing-bin", "q6ur"), HeaderField("a-bin", "AQI"),
                HeaderField("b-bin", "/w"),
            ])
    }

    @Test func receivedBinaryValuesAcceptPaddedUnpaddedAndCommaJoined() {
        let m = Metadata(receivedHeaders: [
            HeaderField("a-bin", "AQI="), HeaderField("b-bin", "AQI"), HeaderField("c-bin", "/w==,q6ur"),
            HeaderField("d-bin", "not base64!"),
        ])
        #expect(m.binaryValue(forKey: "a-bin") == [1, 2])
        #expect(m.binaryValue(forKey: "b-bin") == [1, 2])
        #expect(m.values(forKey: "c-bin") == [.binary([0xFF]), .binary([0xAB, 0xAB, 0xAB])])
        #expect(m.values(forKey: "d-bin").isEmpty)
    }

    @Test func reservedAndPseudoHeadersAreNotMetadata() {
        let m = Metadata(receivedHeaders: [
            HeaderField(":path", "/a/b"), HeaderField("content-type", "application/grpc"),
            HeaderField("te", "trailers"),
            HeaderField("grpc-timeout", "1S"), HeaderField("grpc-encoding", "gzip"), HeaderField("x-user", "ann"),
        ])
        #expect(m.map(\.key) == ["x-user"])
    }

    @Test func sendingSkipsReservedInvalidKeysAndNonPrintableValues() {
        var m = Metadata()
        m.add("grpc-status", "0")
        m.add("bad key", "x")
        m.add("x-ok", "fine value")
        m.add("x-ctl", "line\nbreak")
        var headers: [HeaderField] = []
        m.appendHeaders(to: &headers)
        #expect(headers == [HeaderField("x-ok", "fine value")])
    }

    @Test func base64RoundTripsEveryLength() {
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let text = Base64.encode(bytes)
            #expect(!text.contains("="))
            #expect(Base64.decode(Substring(text)) == bytes)
        }
        #expect(Base64.decode("A") == nil)
    }
}
