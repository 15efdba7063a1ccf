// Round-trip property over random TestAll values, checked against two independent codecs: python
// protobuf parses our bytes to the same message (its re-encoding decodes back to the original), and
// C++ libprotobuf (protoc) re-encodes what it read from our bytes to exactly our bytes.
import ProtoWire
import Testing

@Suite struct PropertyTests {
    @Test(arguments: [UInt64(1), 2, 3, 4])
    func randomMessagesRoundTripThroughPythonAndProtoc(seed: UInt64) async throws {
        var g = SplitMix64(seed: seed)
        let messages = (0..<100).map { _ in TestAll.random(using: &g) }
        let ours = messages.map { $0.serializedBytes() }
        for (m, bytes) in zip(messages, ours) {
            #expect(bytes.count == m.encodedSize())
            let back = try TestAll(serializedBytes: bytes)
            #expect(back == m)
            #expect(back.serializedBytes() == bytes)
        }
        let python = try await Tools.pythonRoundTrip("wiretest.TestAll", ours)
        let cpp = try await Tools.protocCanonical(ours)
        try #require(python.count == messages.count && cpp.count == messages.count)
        for (i, m) in messages.enumerated() {
            #expect(
                try TestAll(serializedBytes: python[i]) == m, "seed \(seed) message \(i): python parsed another message"
            )
            if cpp[i] != ours[i] {
                let at =
                    (0..<min(cpp[i].count, ours[i].count)).first { cpp[i][$0] != ours[i][$0] }
                    ?? min(cpp[i].count, ours[i].count)
                Issue.record(
                    "seed \(seed) message \(i): protoc re-encodes differently from byte \(at): protoc \(cpp[i][at...].prefix(24)) ours \(ours[i][at...].prefix(24))"
                )
            }
        }
    }
}
