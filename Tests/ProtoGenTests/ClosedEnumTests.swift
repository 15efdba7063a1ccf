import Foundation
import ProtoWire
import Testing

/// proto2 enums are closed: a number the enum does not declare is not stored in the field but kept
/// in unknown fields. For each input, python protobuf (upb) parses and re-serializes it; our generated
/// type must decode it and write exactly python's bytes (python is the reference here, not us).
@Suite struct ClosedEnumTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var bytes: [UInt8]
        var testDescription: String { name }
        init(_ name: String, _ bytes: [UInt8]) { self.name = name; self.bytes = bytes }
    }

    // legacy.v2.Legacy: 1 id, 7 pick_level (oneof), 8 level, 10 levels, 11 packed_levels,
    // 12 shades (map<int32, Shade>); Level declares 1, 2, 7; Shade declares 0, 3.
    static let cases: [Case] = [
        Case("singular undeclared", [0x40, 0x05, 0x08, 0x01]),
        Case("singular declared, then undeclared", [0x40, 0x01, 0x40, 0x05]),
        Case("singular negative as 10 bytes", [0x40, 0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        Case("singular 2^32 + 1 (int32 1)", [0x40, 0x81, 0x80, 0x80, 0x80, 0x10]),
        Case("unpacked mix", [0x50, 0x01, 0x50, 0x05, 0x50, 0x02]),
        Case("packed mix", [0x5A, 0x04, 0x01, 0x05, 0x02, 0x09, 0x08, 0x01]),
        Case("packed overlong undeclared", [0x5A, 0x03, 0x85, 0x80, 0x00]),
        Case("packed negative", [0x5A, 0x0A, 0xFB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]),
        Case("packed 2^32 + 5", [0x5A, 0x05, 0x85, 0x80, 0x80, 0x80, 0x10]),
        Case("packed run into an unpacked field", [0x52, 0x02, 0x01, 0x05]),
        Case("unpacked into a packed field", [0x58, 0x05, 0x58, 0x01]),
        Case("map value undeclared", [0x62, 0x04, 0x08, 0x01, 0x10, 0x04, 0x62, 0x04, 0x08, 0x02, 0x10, 0x03]),
        Case("map entry without value", [0x62, 0x02, 0x08, 0x01]),
        Case("oneof undeclared keeps the set member", [0x32, 0x01, 0x61, 0x38, 0x05]),
        Case("oneof declared", [0x32, 0x01, 0x61, 0x38, 0x02]),
        Case("inside a group", [0x13, 0x1B, 0x10, 0x05, 0x1C, 0x14]),
        Case("unknown records of other fields in between", [0x50, 0x05, 0xF8, 0x07, 0x01, 0x5A, 0x02, 0x07, 0x63]),
    ]

    private static func python(_ inputs: [[UInt8]]) async throws -> [[UInt8]] {
        let dir = try ProcessRunner.temporaryDirectory()
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--include_imports",
                "--descriptor_set_out=\(dir)/d.pb",
                "Protos/legacy2.proto",
            ])
        try #require(result.status == 0, "protoc: \(result.stderr)")
        try PythonRoundTripTests.writeRecords(inputs, to: dir + "/in.bin")
        let python = try await ProcessRunner.run(
            try ProcessRunner.which("python3"),
            [
                PythonRoundTripTests.script, "reencode", dir + "/d.pb", "legacy.v2.Legacy", dir + "/in.bin",
                dir + "/out.bin",
            ])
        try #require(python.status == 0, "python: \(python.stderr)")
        return try PythonRoundTripTests.readRecords(dir + "/out.bin")
    }

    @Test func reencodeMatchesPython() async throws {
        let expected = try await Self.python(Self.cases.map(\.bytes))
        try #require(expected.count == Self.cases.count)
        for (input, python) in zip(Self.cases, expected) {
            let ours = try Legacy_V2_Legacy(serializedBytes: input.bytes).serializedBytes()
            #expect(ours == python, "\(input.name)")
        }
    }

    @Test func undeclaredNumbersAreNotStored() throws {
        let singular = try Legacy_V2_Legacy(serializedBytes: [0x40, 0x01, 0x40, 0x05])
        #expect(singular.level == .low)
        #expect(singular.unknownFields.bytes == [0x40, 0x05])
        let packed = try Legacy_V2_Legacy(serializedBytes: [0x5A, 0x04, 0x01, 0x05, 0x02, 0x09])
        #expect(packed.packedLevels == [.low, .mid])
        #expect(packed.unknownFields.bytes == [0x58, 0x05, 0x58, 0x09])
        let map = try Legacy_V2_Legacy(serializedBytes: [0x62, 0x04, 0x08, 0x01, 0x10, 0x04])
        #expect(map.shades.isEmpty)
        #expect(map.unknownFields.bytes == [0x62, 0x04, 0x08, 0x01, 0x10, 0x04])
        let oneof = try Legacy_V2_Legacy(serializedBytes: [0x32, 0x01, 0x61, 0x38, 0x05])
        #expect(oneof.choice == .word("a"))
        // The property with a .proto default still reads it: the undeclared number did not set it.
        let defaulted = try Legacy_V2_Legacy(serializedBytes: [0x48, 0x03])
        #expect(!defaulted.hasLevelHigh && defaulted.levelHigh == .high)
    }

    /// The Swift type has exactly the declared values: no `unrecognized` case, a failable init.
    @Test func closedEnumTypeHasOnlyDeclaredValues() {
        #expect(Legacy_V2_Level.allCases == [.low, .mid, .high])
        #expect(Legacy_V2_Level(rawValue: 7) == .high)
        #expect(Legacy_V2_Level(rawValue: 3) == nil)
        #expect(Legacy_V2_Shade(rawValue: 0) == Legacy_V2_Shade.none)
        #expect(Legacy_V2_Shade.allCases == [Legacy_V2_Shade.none, .dark, .allCases_])
        #expect(Legacy_V2_Shade.allCases_.rawValue == 5)
    }
}

/// Extension fields have no Swift accessors: their records stay in the extended message's unknown
/// fields and are written back byte-exact, so protoc (C++) reads every extension value again.
@Suite struct ExtensionPassThroughTests {
    private func protoc(_ mode: String, _ input: Data) async throws -> Data {
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--\(mode)=legacy.v2.Legacy",
                "Protos/legacy2.proto",
            ], stdin: input)
        try #require(result.status == 0, "protoc: \(result.stderr)")
        return result.stdout
    }

    @Test func extensionsSurviveOurRoundTrip() async throws {
        let text = """
            id: 3
            [legacy.v2.ext_int]: -7
            [legacy.v2.ext_strings]: "a"
            [legacy.v2.ext_strings]: "b"
            [legacy.v2.extgroup] {
              v: 5
            }
            [legacy.v2.ext_level]: LEVEL_HIGH
            [legacy.v2.ext_levels]: LEVEL_LOW
            [legacy.v2.ext_levels]: LEVEL_MID
            [legacy.v2.Holder.holder] {
              note: "n"
            }

            """
        let bytes = [UInt8](try await protoc("encode", Data(text.utf8)))
        let message = try Legacy_V2_Legacy(serializedBytes: bytes)
        #expect(message.id == 3)
        #expect(!message.unknownFields.isEmpty)
        let back = try await protoc("decode", Data(message.serializedBytes()))
        #expect(String(decoding: back, as: UTF8.self) == text)
    }
}
