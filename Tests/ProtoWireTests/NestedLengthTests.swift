// A nested message's length prefix is written after its body (ProtoWriter.writeMessage): the body
// goes after a one-byte placeholder and moves up when its length needs more bytes. Each expected
// encoding here is spelled out from the wire format by hand — tag, varint length, body — for body
// lengths at every varint boundary, one and two levels deep, followed by another field.
import ProtoWire
import Testing

@Suite struct NestedLengthTests {
    /// `Nested { b = <length bytes> }` whose encoding is exactly `bodyLength` bytes.
    private static func nested(bodyLength: Int) -> (Wiretest_Nested, [UInt8]) {
        // body = 0x12 (b = field 2), varint(L), L bytes: find L.
        var l = bodyLength - 1
        while 1 + Tools.varint(l).count + l > bodyLength { l -= 1 }
        #expect(1 + Tools.varint(l).count + l == bodyLength)
        var m = Wiretest_Nested()
        m.b = String(repeating: "n", count: l)
        return (m, [0x12] + Tools.varint(l) + Array(m.b.utf8))
    }

    @Test(arguments: [3, 127, 128, 129, 16_383, 16_384, 16_385, 2_097_151, 2_097_152])
    func lengthPrefixAtVarintBoundaries(bodyLength: Int) throws {
        let (inner, innerBody) = Self.nested(bodyLength: bodyLength)
        // One level: TestAll.f_nested (17) then r_nested (83) holding the same message.
        var one = TestAll()
        one.fNested = inner
        one.rNested = [inner]
        let record = Tools.varint(innerBody.count) + innerBody
        let expectedOne = [0x8A, 0x01] + record + [0x9A, 0x05] + record
        let encodedOne = one.serializedBytes()
        #expect(encodedOne.count == expectedOne.count)
        #expect(encodedOne == expectedOne)
        #expect(try TestAll(serializedBytes: encodedOne) == one)

        // Two levels: f_nested { child (3) = inner }, so the inner body moves inside a moving body.
        var outer = Wiretest_Nested()
        outer.child = inner
        outer.a = 7
        var two = TestAll()
        two.fNested = outer
        let outerBody: [UInt8] = [0x08, 0x07, 0x1A] + record
        let expectedTwo = [0x8A, 0x01] + Tools.varint(outerBody.count) + outerBody
        #expect(two.serializedBytes() == expectedTwo)
        #expect(try TestAll(serializedBytes: two.serializedBytes(headroom: 5)[5...].map { $0 }) == two)
    }
}
