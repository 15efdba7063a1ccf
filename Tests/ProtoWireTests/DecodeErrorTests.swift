// One test per decode error: the typed error names what, the byte offset and the field; python
// protobuf rejects each input too (so the input really is malformed, not just unusual for us).
import ProtoWire
import Testing

struct BadInput: CustomTestStringConvertible, Sendable {
    var name: String
    var bytes: [UInt8]
    var expected: ProtoDecodeError
    var testDescription: String { name }

    init(_ name: String, _ bytes: [UInt8], _ kind: ProtoDecodeError.Kind, at offset: Int, field: Int?) {
        self.name = name
        self.bytes = bytes
        self.expected = ProtoDecodeError(kind, offset: offset, fieldNumber: field)
    }
}

enum BadInputs {
    /// `Nested.child` (field 3) nested `levels` times.
    static func chain(_ levels: Int) -> [UInt8] {
        var b: [UInt8] = []
        for _ in 0..<levels { b = [0x1A] + Tools.varint(b.count) + b }
        return b
    }

    /// Groups (field 2) nested `levels` times inside each other.
    static func groups(_ levels: Int) -> [UInt8] {
        Array(repeating: 0x13, count: levels) + Array(repeating: 0x14, count: levels)
    }

    // Field numbers in TestAll: 1 f_int32, 8 f_fixed64, 14 f_string, 17 f_nested, 41 r_int32 and 47 r_fixed32 (packed),
    // 112 m_string_string.
    static let all: [BadInput] = [
        BadInput("tag without value", [0x08], .truncated, at: 1, field: 1),
        BadInput("varint without its last byte", [0x08, 0x80], .truncated, at: 1, field: 1),
        BadInput("fixed64 cut short", [0x41, 1, 2, 3], .truncated, at: 1, field: 8),
        BadInput("fixed32 (as unknown) cut short", [0x0D, 1, 2], .truncated, at: 1, field: 1),
        BadInput("packed fixed32 run ending mid-element", [0xFA, 0x02, 0x03, 1, 2, 3], .truncated, at: 3, field: 47),
        // 41 r_int32 (packed): a run whose second varint does not end inside the run, and a run
        // holding a varint of 11 bytes.
        BadInput(
            "packed varint run ending mid-varint", [0xCA, 0x02, 0x03, 0x01, 0x96, 0x81, 0x01], .truncated, at: 4,
            field: 41),
        BadInput(
            "packed varint of 11 bytes", [0xCA, 0x02, 0x0B] + Array(repeating: 0xFF, count: 10) + [0x01],
            .varintTooLong, at: 3, field: 41),
        BadInput("sub-message ending mid-varint", [0x8A, 0x01, 0x02, 0x08, 0x80], .truncated, at: 4, field: 1),
        BadInput("group never closed", [0x13, 0x08, 0x01], .truncated, at: 3, field: 2),
        BadInput(
            "varint of 11 bytes", [0x08] + Array(repeating: 0xFF, count: 10) + [0x01], .varintTooLong, at: 1, field: 1),
        BadInput("length past the end", [0x72, 0x05, 0x61], .lengthPastEnd, at: 1, field: 14),
        BadInput(
            "sub-message length past its parent's end", [0x8A, 0x01, 0x03, 0x12, 0x05, 0x61], .lengthPastEnd, at: 4,
            field: 2),
        BadInput("wire type 6", [0x0E, 0x00], .invalidWireType, at: 0, field: 1),
        BadInput("wire type 7", [0x08, 0x01, 0x0F], .invalidWireType, at: 2, field: 1),
        BadInput("field number 0", [0x00, 0x00], .invalidFieldNumber, at: 0, field: nil),
        BadInput("field number 0, length-delimited", [0x02, 0x01, 0x01], .invalidFieldNumber, at: 0, field: nil),
        BadInput("field number 2^29", [0x80, 0x80, 0x80, 0x80, 0x10, 0x00], .invalidFieldNumber, at: 0, field: nil),
        BadInput("end-group without a group", [0x0C], .endGroupMismatch, at: 0, field: 1),
        BadInput("end-group of another field", [0x13, 0x1C], .endGroupMismatch, at: 1, field: 3),
        BadInput("end-group inside a sub-message", [0x8A, 0x01, 0x01, 0x0C], .endGroupMismatch, at: 3, field: 1),
        BadInput("invalid UTF-8 byte", [0x72, 0x01, 0xFF], .invalidUTF8, at: 2, field: 14),
        BadInput("UTF-8 surrogate", [0x72, 0x03, 0xED, 0xA0, 0x80], .invalidUTF8, at: 2, field: 14),
        BadInput("overlong UTF-8", [0x72, 0x02, 0xC0, 0x80], .invalidUTF8, at: 2, field: 14),
        BadInput("invalid UTF-8 in a map key", [0x82, 0x07, 0x03, 0x0A, 0x01, 0xFF], .invalidUTF8, at: 5, field: 1),
        // The offset is where the too-deep message's bytes start: here the (empty) innermost one, at the end.
        BadInput(
            "messages nested 101 deep", [0x8A, 0x01] + Tools.varint(chain(100).count) + chain(100),
            .nestingTooDeep, at: 2 + Tools.varint(chain(100).count).count + chain(100).count, field: 3),
        BadInput("groups nested 101 deep", groups(101), .nestingTooDeep, at: 101, field: 2),
    ]
}

@Suite struct DecodeErrorTests {
    @Test(arguments: BadInputs.all)
    func badInputThrowsTypedError(_ input: BadInput) throws {
        #expect(throws: input.expected) { try TestAll(serializedBytes: input.bytes) }
    }

    @Test func pythonRejectsEveryBadInput() async throws {
        let verdicts = try await Tools.pythonCheck("wiretest.TestAll", BadInputs.all.map(\.bytes))
        try #require(verdicts.count == BadInputs.all.count)
        for (input, verdict) in zip(BadInputs.all, verdicts) {
            #expect(verdict.hasPrefix("error"), "python accepted: \(input.name)")
        }
    }

    @Test func depthLimitIsProtobufs() async throws {
        // 100 nested levels decode (as in C++ and python), 101 do not.
        #expect(throws: Never.self) { try Wiretest_Nested(serializedBytes: BadInputs.chain(100)) }
        #expect(throws: ProtoDecodeError(.nestingTooDeep, offset: BadInputs.chain(101).count, fieldNumber: 3)) {
            try Wiretest_Nested(serializedBytes: BadInputs.chain(101))
        }
        let python = try await Tools.pythonCheck("wiretest.Nested", [BadInputs.chain(100), BadInputs.chain(101)])
        #expect(python.count == 2 && python[0] == "ok" && python[1].hasPrefix("error"))
        // A custom limit.
        let limits = ProtoDecodeLimits(maxDepth: 2)
        #expect(throws: Never.self) { try Wiretest_Nested(serializedBytes: BadInputs.chain(2), limits: limits) }
        #expect(throws: ProtoDecodeError(.nestingTooDeep, offset: 6, fieldNumber: 3)) {
            try Wiretest_Nested(serializedBytes: BadInputs.chain(3), limits: limits)
        }
    }

    @Test func messageLargerThanLimit() throws {
        let bytes: [UInt8] = [0x72, 0x09] + Array("123456789".utf8)  // 11 bytes
        let limits = ProtoDecodeLimits(maxMessageSize: 10)
        #expect(throws: ProtoDecodeError(.messageTooLarge, offset: 10, fieldNumber: nil)) {
            try TestAll(serializedBytes: bytes, limits: limits)
        }
        #expect(
            try TestAll(serializedBytes: bytes, limits: ProtoDecodeLimits(maxMessageSize: 11)).fString == "123456789")
    }

    @Test func descriptionSaysWhatWhereAndField() {
        let e = ProtoDecodeError(.invalidUTF8, offset: 2, fieldNumber: 14)
        #expect(e.description == "invalid UTF-8 in a string at offset 2 (field 14)")
        #expect(ProtoDecodeError(.invalidFieldNumber, offset: 0).description == "invalid field number at offset 0")
    }

    /// Inputs protobuf must accept although they look odd (conformance "must succeed" list).
    @Test func oddButValidInputsDecode() async throws {
        // Over-long varint: 1 padded to 10 bytes; a 10th byte with bits beyond 64 is ignored.
        #expect(
            try TestAll(serializedBytes: [0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]).fInt32 == 1
        )
        #expect(try TestAll(serializedBytes: [0x20] + Array(repeating: 0xFF, count: 9) + [0x7F]).fUint64 == .max)
        // int32 from a 64-bit varint keeps the low 32 bits; bool is any non-zero varint.
        #expect(try TestAll(serializedBytes: [0x08, 0x80, 0x80, 0x80, 0x80, 0x20]).fInt32 == 0)  // 2^33
        #expect(try TestAll(serializedBytes: [0x68, 0x80, 0x80, 0x80, 0x80, 0x10]).fBool)  // 2^32
        // Empty input, empty packed run, empty sub-message.
        #expect(try TestAll(serializedBytes: []) == TestAll())
        #expect(try TestAll(serializedBytes: [0xFA, 0x02, 0x00]).rFixed32 == [])
        #expect(try TestAll(serializedBytes: [0x8A, 0x01, 0x00]).fNested == Wiretest_Nested())
        // The same inputs through python: accepted.
        let python = try await Tools.pythonCheck(
            "wiretest.TestAll",
            [
                [0x08, 0x81, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00],
                [0x20] + Array(repeating: 0xFF, count: 9) + [0x7F],
            ])
        #expect(python == ["ok", "ok"])
    }
}
