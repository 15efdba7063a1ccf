// Maps with several entries, unknown fields, groups, packed/unpacked acceptance and merge semantics,
// each checked against protoc or python protobuf.
import ProtoWire
import Testing

@Suite struct WireSemanticsTests {
    /// Several entries per map: protoc's deterministic output sorts by key, as ProtoWire does.
    @Test func multiEntryMapsMatchProtocDeterministic() async throws {
        var m = TestAll()
        m.mInt32Int32 = [5: 1, -3: 2, 0: 0, .max: -1, .min: 7]
        m.mInt64String = [2: "b", 1: "a", -1: "z"]
        m.mUint64Nested = [9: Wiretest_Nested(), 3: GoldenCases.nesteds[1]]
        m.mSint32Color = [-2: .red, 2: .unrecognized(77), 0: .negative]
        m.mBoolString = [true: "t", false: "f"]
        m.mStringString = ["b": "2", "a": "1", "": "0", "é": "3", "z": "4", "中": "5", "🎉": "6", "Z": "7"]
        m.mStringNested = ["y": Wiretest_Nested(), "x": GoldenCases.nesteds[1]]
        m.mFixed64Bool = [1: true, 0: false, .max: true]
        let text = """
            m_int32_int32 { key: 5 value: 1 } m_int32_int32 { key: -3 value: 2 } m_int32_int32 { key: 0 value: 0 }
            m_int32_int32 { key: 2147483647 value: -1 } m_int32_int32 { key: -2147483648 value: 7 }
            m_int64_string { key: 2 value: "b" } m_int64_string { key: 1 value: "a" } m_int64_string { key: -1 value: "z" }
            m_uint64_nested { key: 9 value { } } m_uint64_nested { key: 3 value \(TextFormat.nested(GoldenCases.nesteds[1])) }
            m_sint32_color { key: -2 value: RED } m_sint32_color { key: 2 value: 77 } m_sint32_color { key: 0 value: NEGATIVE }
            m_bool_string { key: true value: "t" } m_bool_string { key: false value: "f" }
            m_string_string { key: "b" value: "2" } m_string_string { key: "a" value: "1" } m_string_string { key: "" value: "0" }
            m_string_string { key: "é" value: "3" } m_string_string { key: "z" value: "4" } m_string_string { key: "中" value: "5" }
            m_string_string { key: "🎉" value: "6" } m_string_string { key: "Z" value: "7" }
            m_string_nested { key: "y" value { } } m_string_nested { key: "x" value \(TextFormat.nested(GoldenCases.nesteds[1])) }
            m_fixed64_bool { key: 1 value: true } m_fixed64_bool { key: 0 value: false }
            m_fixed64_bool { key: 18446744073709551615 value: true }
            """
        let golden = try await Tools.protocEncode("wiretest.TestAll", text: text)
        #expect(m.serializedBytes() == golden)
        #expect(try TestAll(serializedBytes: golden) == m)
        // python reads the same maps from the same text (its own map order differs; compared by value).
        #expect(try TestAll(serializedBytes: try await Tools.pythonEncode("wiretest.TestAll", text: text)) == m)
    }

    /// Map entries with the key or value missing, swapped, or duplicated: protoc encodes the entry as a
    /// repeated message (`MapEdges.entries`), whose bytes are those of the map field 101.
    @Test func mapEntriesWithMissingSwappedOrRepeatedParts() async throws {
        // Field 101 entries written by hand: [value only], [key only], [value, key], [key 1, key 2, value].
        let entries: [[UInt8]] = [
            [0x10, 0x07],  // value 7, key missing → key 0
            [0x08, 0x05],  // key 5, value missing → value 0
            [0x10, 0x09, 0x08, 0x06],  // value 9 then key 6
            [0x08, 0x01, 0x08, 0x02, 0x10, 0x03],  // key 1 then key 2: last wins → 2: 3
        ]
        var bytes: [UInt8] = []
        for e in entries { bytes += [0xAA, 0x06, UInt8(e.count)] + e }  // tag of field 101, wire type 2
        let m = try TestAll(serializedBytes: bytes)
        #expect(m.mInt32Int32 == [0: 7, 5: 0, 6: 9, 2: 3])
        // python reads the same bytes to the same map.
        let python = try await Tools.pythonRoundTrip("wiretest.TestAll", [bytes])
        #expect(try TestAll(serializedBytes: python[0]) == m)
    }

    /// Everything TestAll has but Narrow does not know comes back byte-exact, in arrival order.
    @Test func unknownFieldsAreKeptByteExact() async throws {
        // A rich TestAll encoded by C++ (protoc re-encodes our random values), with field 1 set.
        var g = SplitMix64(seed: 77)
        var inputs: [[UInt8]] = []
        for _ in 0..<20 {
            var m = TestAll.random(using: &g)
            m.fInt32 = 5
            inputs.append(m.serializedBytes())
        }
        for full in try await Tools.protocCanonical(inputs) {
            try checkNarrow(full)
        }
    }

    func checkNarrow(_ full: [UInt8]) throws {
        let narrow = try Wiretest_Narrow(serializedBytes: full)
        #expect(narrow.fInt32 == 5)
        #expect(!narrow.unknownFields.isEmpty)
        #expect(narrow.serializedBytes() == full)
    }

    /// A known field number with an unexpected wire type is kept as an unknown field, as python does.
    @Test func knownFieldWithWrongWireTypeIsKeptAsUnknown() async throws {
        // f_int32 as LEN, f_int64 as I32, then f_int64 = 7.
        let bytes: [UInt8] = [0x0A, 0x01, 0x41, 0x15, 0x01, 0x02, 0x03, 0x04, 0x10, 0x07]
        let m = try TestAll(serializedBytes: bytes)
        #expect(m.fInt32 == 0 && m.fInt64 == 7)
        #expect(m.unknownFields.bytes == [0x0A, 0x01, 0x41, 0x15, 0x01, 0x02, 0x03, 0x04])
        let python = try await Tools.pythonRoundTrip("wiretest.TestAll", [bytes])
        #expect(python == [[0x10, 0x07, 0x0A, 0x01, 0x41, 0x15, 0x01, 0x02, 0x03, 0x04]])
        #expect(m.serializedBytes() == python[0])
    }

    /// proto2 groups (wire types 3/4), nested and repeated, are skipped and kept as unknown fields.
    @Test func groupsAreSkippedAndKept() async throws {
        let text = """
            f_int32: 1 G { x: 3 Inner { s: "in" } } R { y: 7 } R { } R { y: 18446744073709551615 } tail: "\\001\\002"
            """
        let bytes = try await Tools.protocEncode("wiretest2.WithGroups", text: text, file: "groups.proto")
        #expect(bytes.contains(0x13) && bytes.contains(0x14))  // start/end group tags of field 2
        let narrow = try Wiretest_Narrow(serializedBytes: bytes)
        #expect(narrow.fInt32 == 1)
        #expect(narrow.serializedBytes() == bytes)
    }

    /// Packed input for fields declared unpacked and unpacked input for packed fields, of every
    /// packable type, decode to the same values (protoc writes the other form from PackingSwapped).
    @Test func packedAndUnpackedAreBothAccepted() async throws {
        var expected = TestAll()
        expected.rInt32 = GoldenCases.int32s; expected.uInt32 = GoldenCases.int32s
        expected.rInt64 = GoldenCases.int64s; expected.uInt64 = GoldenCases.int64s
        expected.rUint32 = GoldenCases.uint32s; expected.uUint32 = GoldenCases.uint32s
        expected.rUint64 = GoldenCases.uint64s; expected.uUint64 = GoldenCases.uint64s
        expected.rSint32 = GoldenCases.int32s; expected.uSint32 = GoldenCases.int32s
        expected.rSint64 = GoldenCases.int64s; expected.uSint64 = GoldenCases.int64s
        expected.rFixed32 = GoldenCases.uint32s; expected.uFixed32 = GoldenCases.uint32s
        expected.rFixed64 = GoldenCases.uint64s; expected.uFixed64 = GoldenCases.uint64s
        expected.rSfixed32 = GoldenCases.int32s; expected.uSfixed32 = GoldenCases.int32s
        expected.rSfixed64 = GoldenCases.int64s; expected.uSfixed64 = GoldenCases.int64s
        let floats = GoldenCases.floats.filter { !$0.isNaN }, doubles = GoldenCases.doubles.filter { !$0.isNaN }
        expected.rFloat = floats; expected.uFloat = floats
        expected.rDouble = doubles; expected.uDouble = doubles
        expected.rBool = [true, false, true]; expected.uBool = [true, false, true]
        expected.rColor = GoldenCases.colors; expected.uColor = GoldenCases.colors
        func list<V>(_ name: String, _ values: [V], _ text: (V) -> String) -> String {
            ["r_", "u_"].map { p in values.map { "\(p)\(name): \(text($0))" }.joined(separator: " ") }.joined(
                separator: " ")
        }
        let text = [
            list("int32", GoldenCases.int32s, GoldenCases.desc), list("int64", GoldenCases.int64s, GoldenCases.desc),
            list("uint32", GoldenCases.uint32s, GoldenCases.desc),
            list("uint64", GoldenCases.uint64s, GoldenCases.desc),
            list("sint32", GoldenCases.int32s, GoldenCases.desc), list("sint64", GoldenCases.int64s, GoldenCases.desc),
            list("fixed32", GoldenCases.uint32s, GoldenCases.desc),
            list("fixed64", GoldenCases.uint64s, GoldenCases.desc),
            list("sfixed32", GoldenCases.int32s, GoldenCases.desc),
            list("sfixed64", GoldenCases.int64s, GoldenCases.desc),
            list("float", floats, TextFormat.float), list("double", doubles, TextFormat.float),
            list("bool", [true, false, true], GoldenCases.desc), list("color", GoldenCases.colors, TextFormat.color),
        ].joined(separator: "\n")
        let swapped = try await Tools.protocEncode("wiretest.PackingSwapped", text: text)
        let decoded = try TestAll(serializedBytes: swapped)
        #expect(decoded == expected)
        #expect(decoded.unknownFields.isEmpty)
        // And re-encoded in the declared forms, the bytes are protoc's for TestAll.
        #expect(decoded.serializedBytes() == (try await Tools.protocEncode("wiretest.TestAll", text: text)))
    }

    /// Concatenated encodings merge: singular scalars last-wins, messages merge, repeated append,
    /// oneof switches (message members merge) — compared with python's merge of the same bytes.
    @Test func concatenationMergesLikePython() async throws {
        var seed = SplitMix64(seed: 0x5EED_0001)
        var inputs: [[UInt8]] = []
        var ours: [[UInt8]] = []
        for _ in 0..<60 {
            let a = TestAll.random(using: &seed), b = TestAll.random(using: &seed)
            let joined = a.serializedBytes() + b.serializedBytes()
            inputs.append(joined)
            var merged = a
            try merged.merge(serializedBytes: b.serializedBytes())
            #expect(try TestAll(serializedBytes: joined) == merged)
            ours.append(merged.serializedBytes())
        }
        // Nested message merging on purpose: same oneof message member and same f_nested twice.
        var x = TestAll(), y = TestAll()
        var n1 = Wiretest_Nested(), n2 = Wiretest_Nested()
        n1.a = 1; n1.r = [1]; n2.b = "two"; n2.r = [2]
        x.fNested = n1; y.fNested = n2; x.choice = .cNested(n1); y.choice = .cNested(n2)
        x.fInt32 = 1; y.fInt32 = 2; x.oString = "first"; y.rInt32 = [3]; x.rInt32 = [4]
        let joined = x.serializedBytes() + y.serializedBytes()
        var merged = TestAll()
        try merged.merge(serializedBytes: joined)
        #expect(merged.fNested?.a == 1 && merged.fNested?.b == "two" && merged.fNested?.r == [1, 2])
        #expect(merged.fInt32 == 2 && merged.oString == "first" && merged.rInt32 == [4, 3])
        inputs.append(joined)
        ours.append(merged.serializedBytes())
        let python = try await Tools.pythonRoundTrip("wiretest.TestAll", inputs)
        // (Not compared with protoc: its text round trip keeps duplicate map keys of a concatenation.)
        try #require(python.count == inputs.count)
        for i in inputs.indices {
            #expect(
                try TestAll(serializedBytes: python[i]) == TestAll(serializedBytes: ours[i]),
                "input \(i): python merged differently")

        }
    }
}
