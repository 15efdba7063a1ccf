import ProtoWire
import Testing

/// The rich test protos are turned into Swift by the build plugin when this target builds; these
/// tests use the generated API directly.
@Suite struct GeneratedAPITests {
    @Test func proto3OptionalHasPresence() {
        var rich = Rich_V3_Rich()
        #expect(!rich.hasOInt32)
        rich.oInt32 = 0
        #expect(rich.hasOInt32)
        // Explicit presence: set to the default, still written (tag 20<<3 = 0xA0 0x01, value 0).
        #expect(rich.serializedBytes() == [0xA0, 0x01, 0x00])
        rich.clearOInt32()
        #expect(rich.serializedBytes().isEmpty)
    }

    @Test func builderAndRecursion() throws {
        let rich = Rich_V3_Rich.with {
            $0.nested = .with { $0.a = 1; $0.child = .with { $0.a = 2; $0.child = .with { $0.s = "deep" } } }
            $0.recursive = .with { $0.fString = "inner" }
        }
        let decoded = try Rich_V3_Rich(serializedBytes: rich.serializedBytes())
        #expect(decoded == rich)
        #expect(decoded.nested?.child?.child?.s == "deep")
        #expect(decoded.recursive?.fString == "inner")
    }

    @Test func openEnumKeepsUnknownValues() throws {
        // color (field 47) = 99, which Color does not name.
        let bytes: [UInt8] = [0xF8, 0x02, 99]
        let rich = try Rich_V3_Rich(serializedBytes: bytes)
        #expect(rich.color == .unrecognized(99))
        #expect(rich.serializedBytes() == bytes)
    }

    @Test func aliasesShareTheirValue() {
        #expect(Rich_V3_Rich.Mode.enabled == .on)
        #expect(Rich_V3_Rich.Mode(rawValue: 1) == .on)
    }
}
