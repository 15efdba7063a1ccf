// proto2 group fields decoded and encoded by ProtoWire's group helpers, against protoc's (C++)
// encoding of Fixtures/groups.proto and python's verdict on malformed input.
import ProtoWire
import Testing

@Suite struct GroupTests {
    /// protoc writes the message from text; we decode every group, re-encode, and get protoc's bytes.
    @Test func decodesAndReencodesProtocsBytes() async throws {
        let text = """
            f_int32: 1 G { x: 3 Inner { s: "in" } plain { v: -2 } } R { y: 7 } R { } R { y: 18446744073709551615 } tail: "\\001\\002"
            """
        let bytes = try await Tools.protocEncode("wiretest2.WithGroups", text: text, file: "groups.proto")
        let m = try Wiretest2_WithGroups(serializedBytes: bytes)
        #expect(m.fInt32 == 1)
        #expect(m.g?.x == 3 && m.g?.inner?.s == "in" && m.g?.plain?.v == -2)
        #expect(m.r.map(\.y) == [7, nil, .max])
        #expect(m.tail == [1, 2])
        #expect(m.unknownFields.isEmpty && m.g?.unknownFields.isEmpty == true)
        #expect(m.encodedSize() == bytes.count)
        #expect(m.serializedBytes() == bytes)
    }

    /// What we encode, protoc decodes to the same text it would have encoded from.
    @Test func protocReadsOurEncoding() async throws {
        var m = Wiretest2_WithGroups()
        m.g = .init()
        m.g?.inner = .init()
        m.g?.inner?.s = "é"
        m.r = [.init(), .init()]
        m.r[1].y = 5
        let text = try await Tools.protocDecode(
            "wiretest2.WithGroups", bytes: m.serializedBytes(), file: "groups.proto")
        #expect(text == "G {\n  Inner {\n    s: \"\\303\\251\"\n  }\n}\nR {\n}\nR {\n  y: 5\n}\n")
    }

    /// A repeated occurrence of a singular group merges into it, as for a nested message.
    @Test func repeatedSingularGroupMerges() async throws {
        let first = try await Tools.protocEncode("wiretest2.WithGroups", text: "G { x: 3 }", file: "groups.proto")
        let second = try await Tools.protocEncode(
            "wiretest2.WithGroups", text: "G { Inner { s: \"a\" } }", file: "groups.proto")
        let m = try Wiretest2_WithGroups(serializedBytes: first + second)
        #expect(m.g?.x == 3 && m.g?.inner?.s == "a")
    }

    /// Fields a group does not know are kept in its own unknown fields, and written back inside it.
    @Test func unknownFieldsInsideAGroupStayInside() throws {
        let bytes: [UInt8] = [0x13, 0x18, 0x05, 0xA8, 0x06, 0x01, 0x14]  // G { x: 5, field 101: 1 }
        let m = try Wiretest2_WithGroups(serializedBytes: bytes)
        #expect(m.g?.x == 5 && m.g?.unknownFields.bytes == [0xA8, 0x06, 0x01])
        #expect(m.unknownFields.isEmpty)
        #expect(m.serializedBytes() == bytes)
    }

    /// A group field number arriving with another wire type is kept as an unknown field (python too).
    @Test func wrongWireTypeIsKeptAsUnknown() async throws {
        let bytes: [UInt8] = [0x12, 0x02, 0x18, 0x05, 0x08, 0x01]  // field 2 length-delimited, then f_int32 = 1
        let m = try Wiretest2_WithGroups(serializedBytes: bytes)
        #expect(m.g == nil && m.fInt32 == 1)
        #expect(m.unknownFields.bytes == [0x12, 0x02, 0x18, 0x05])
        let python = try await Tools.pythonCheck("wiretest2.WithGroups", [bytes], file: "groups.proto")
        #expect(python == ["ok"])
        #expect(m.serializedBytes() == [0x08, 0x01, 0x12, 0x02, 0x18, 0x05])
    }

    /// A group as a oneof member: set, merged on a repeated occurrence, written back.
    @Test func groupInAOneof() throws {
        let bytes: [UInt8] = [0x13, 0x18, 0x05, 0x14, 0x13, 0x23, 0x2A, 0x01, 0x62, 0x24, 0x14]
        let m = try Wiretest2_GroupInOneof(serializedBytes: bytes)
        guard case .g(let g)? = m.choice else {
            Issue.record("oneof not set")
            return
        }
        #expect(g.x == 5 && g.inner?.s == "b")
        #expect(m.serializedBytes() == [0x13, 0x18, 0x05, 0x23, 0x2A, 0x01, 0x62, 0x24, 0x14])
    }

    static let malformed: [BadInput] = [
        BadInput(
            "group closed by another field's end tag", [0x08, 0x01, 0x13, 0x18, 0x05, 0x1C], .endGroupMismatch, at: 5,
            field: 3),
        BadInput(
            "nested group closed by its parent's end tag", [0x13, 0x23, 0x14, 0x14], .endGroupMismatch, at: 2, field: 2),
        BadInput("group never closed", [0x13, 0x18, 0x05], .truncated, at: 3, field: 2),
        BadInput("repeated group never closed", [0x33, 0x39, 1, 2, 3, 4, 5, 6, 7, 8], .truncated, at: 10, field: 6),
        BadInput("group ends inside a field of it", [0x13, 0x39, 1, 2, 0x14], .truncated, at: 2, field: 7),
        // G.plain (9) is a length-delimited message: the group's END_GROUP tag inside it does not end G.
        BadInput(
            "group's end tag inside a message the group holds", [0x13, 0x4A, 0x01, 0x14, 0x14], .endGroupMismatch,
            at: 3, field: 2),
    ]

    @Test(arguments: malformed)
    func malformedGroupThrowsTypedError(_ input: BadInput) throws {
        #expect(throws: input.expected) { try Wiretest2_WithGroups(serializedBytes: input.bytes) }
    }

    @Test func pythonRejectsEveryMalformedGroup() async throws {
        let verdicts = try await Tools.pythonCheck(
            "wiretest2.WithGroups", Self.malformed.map(\.bytes), file: "groups.proto")
        try #require(verdicts.count == Self.malformed.count)
        for (input, verdict) in zip(Self.malformed, verdicts) {
            #expect(verdict.hasPrefix("error"), "python accepted: \(input.name)")
        }
    }

    /// Groups count against `maxDepth` like nested messages: G (depth 1) holding Inner (depth 2).
    @Test func groupsCountAgainstTheDepthLimit() throws {
        let bytes: [UInt8] = [0x13, 0x23, 0x2A, 0x01, 0x61, 0x24, 0x14]
        #expect(
            try Wiretest2_WithGroups(serializedBytes: bytes, limits: ProtoDecodeLimits(maxDepth: 2)).g?.inner?.s == "a")
        #expect(throws: ProtoDecodeError(.nestingTooDeep, offset: 2, fieldNumber: 4)) {
            try Wiretest2_WithGroups(serializedBytes: bytes, limits: ProtoDecodeLimits(maxDepth: 1))
        }
    }
}
