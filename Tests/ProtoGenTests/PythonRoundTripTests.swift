import Foundation
import ProtoWire
import Testing

/// Our generated types against python protobuf (the independent implementation), both ways:
/// python makes random messages → we decode and re-encode → python parses to an equal message;
/// we make random messages → python parses and re-encodes → we decode to an equal message.
@Suite struct PythonRoundTripTests {
    static let script = ProcessRunner.packageRoot + "/Tests/ProtoGenTests/Python/roundtrip.py"

    /// A descriptor set of the rich test protos, written by protoc, with every well-known type
    /// (which a random google.protobuf.Any may hold).
    private func descriptorSet(in dir: String) async throws -> String {
        let out = dir + "/rich.desc"
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--include_imports",
                "--descriptor_set_out=" + out,
                "Protos/rich3.proto", "Protos/rich2.proto", "Protos/legacy2.proto", "Protos/anyjson.proto",
                "google/protobuf/duration.proto", "google/protobuf/empty.proto", "google/protobuf/field_mask.proto",
                "google/protobuf/struct.proto",
            ])
        try #require(result.status == 0, "protoc: \(result.stderr)")
        return out
    }

    private func python(_ arguments: [String]) async throws -> ProcessRunner.Result {
        try await ProcessRunner.run(try ProcessRunner.which("python3"), [Self.script] + arguments)
    }

    static func readRecords(_ path: String) throws -> [[UInt8]] {
        let data = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        var records: [[UInt8]] = []
        var i = 0
        while i + 4 <= data.count {
            let n = Int(data[i]) | Int(data[i + 1]) << 8 | Int(data[i + 2]) << 16 | Int(data[i + 3]) << 24
            records.append(Array(data[(i + 4)..<(i + 4 + n)]))
            i += 4 + n
        }
        return records
    }

    static func writeRecords(_ records: [[UInt8]], to path: String) throws {
        var data: [UInt8] = []
        for r in records {
            let n = UInt32(r.count)
            data += [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 24)]
            data += r
        }
        try Data(data).write(to: URL(fileURLWithPath: path))
    }

    /// `allKnown`: no record may land in unknown fields (false where python adds undeclared numbers
    /// of closed enums, which belong there).
    private func pythonToSwiftToPython<M: ProtoMessage>(
        _ type: M.Type, protoName: String, count: Int, allKnown: Bool = true
    ) async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        let desc = try await descriptorSet(in: dir)
        let generated = try await python(["gen", desc, protoName, String(count), "20261129", dir + "/py.bin"])
        try #require(generated.status == 0, "python gen: \(generated.stderr)")
        let records = try Self.readRecords(dir + "/py.bin")
        #expect(records.count == count)
        var reencoded: [[UInt8]] = []
        for record in records {
            let message = try M(serializedBytes: record)
            if allKnown {
                #expect(message.unknownFields.isEmpty, "every field is known, none may land in unknown fields")
            }
            reencoded.append(message.serializedBytes())
        }
        try Self.writeRecords(reencoded, to: dir + "/swift.bin")
        let check = try await python(["check", desc, protoName, dir + "/py.bin", dir + "/swift.bin"])
        #expect(check.status == 0, "\(String(decoding: check.stdout, as: UTF8.self))\(check.stderr)")
    }

    private func swiftToPythonToSwift<M: ProtoMessage>(_ messages: [M], protoName: String) async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        let desc = try await descriptorSet(in: dir)
        try Self.writeRecords(messages.map { $0.serializedBytes() }, to: dir + "/swift.bin")
        let result = try await python(["reencode", desc, protoName, dir + "/swift.bin", dir + "/py.bin"])
        try #require(result.status == 0, "python reencode: \(result.stderr)")
        let back = try Self.readRecords(dir + "/py.bin")
        try #require(back.count == messages.count)
        for (original, bytes) in zip(messages, back) {
            let decoded = try M(serializedBytes: bytes)
            #expect(decoded == original)
        }
    }

    @Test func proto3FromPython() async throws {
        try await pythonToSwiftToPython(Rich_V3_Rich.self, protoName: "rich.v3.Rich", count: 300)
    }

    @Test func proto2FromPython() async throws {
        try await pythonToSwiftToPython(Rich_V2_Rich2.self, protoName: "rich.v2.Rich2", count: 300, allKnown: false)
    }

    @Test func legacyFromPython() async throws {
        try await pythonToSwiftToPython(
            Legacy_V2_Legacy.self, protoName: "legacy.v2.Legacy", count: 300, allKnown: false)
    }

    @Test func legacyToPython() async throws {
        var random = SeededRandom(state: 11)
        try await swiftToPythonToSwift(
            (0..<300).map { _ in RandomMessages.legacy2(&random) }, protoName: "legacy.v2.Legacy")
    }

    @Test func proto3ToPython() async throws {
        var random = SeededRandom(state: 42)
        try await swiftToPythonToSwift((0..<300).map { _ in RandomMessages.rich3(&random) }, protoName: "rich.v3.Rich")
    }

    @Test func proto2ToPython() async throws {
        var random = SeededRandom(state: 7)
        try await swiftToPythonToSwift((0..<300).map { _ in RandomMessages.rich2(&random) }, protoName: "rich.v2.Rich2")
    }

    /// `description` is protobuf text format: for random messages (every field kind, nested and
    /// recursive messages, maps, oneofs, unknown enum numbers, groups) it equals python's
    /// `text_format.MessageToString` character for character.
    private func textMatchesPython<M: ProtoMessage & ProtoTextFormattable>(
        _ type: M.Type, protoName: String
    ) async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        let desc = try await descriptorSet(in: dir)
        let generated = try await python(["gen", desc, protoName, "200", "20261203", dir + "/py.bin"])
        try #require(generated.status == 0, "python gen: \(generated.stderr)")
        let text = try await python(["text", desc, protoName, dir + "/py.bin", dir + "/py.txt"])
        try #require(text.status == 0, "python text: \(text.stderr)")
        let messages = try Self.readRecords(dir + "/py.bin"), texts = try Self.readRecords(dir + "/py.txt")
        try #require(messages.count == 200 && texts.count == 200)
        var differing = 0
        for (bytes, expected) in zip(messages, texts) {
            let ours = try M(serializedBytes: bytes).description
            if ours != String(decoding: expected, as: UTF8.self) {
                differing += 1
                if differing <= 2 {
                    Issue.record("ours:\n\(ours)\npython:\n\(String(decoding: expected, as: UTF8.self))")
                }
            }
        }
        #expect(differing == 0)
    }

    /// protobuf JSON both ways against python's json_format on random messages: python's JSON
    /// parses to the message python wrote, and python parses our JSON (canonical, and with defaults
    /// written) to the message we had. Equality is checked by python on the binary forms, unknown
    /// fields aside (the proto2 messages carry undeclared closed-enum numbers, which JSON drops).
    /// `registry`: the types the messages' `google.protobuf.Any`s may hold besides the well-known ones.
    private func jsonMatchesPython<M: ProtoJSONCodable>(
        _ type: M.Type, protoName: String, registry: ProtoTypeRegistry = ProtoTypeRegistry()
    ) async throws {
        let dir = try ProcessRunner.temporaryDirectory()
        let desc = try await descriptorSet(in: dir)
        let generated = try await python(["gen", desc, protoName, "200", "20261204", dir + "/py.bin"])
        try #require(generated.status == 0, "python gen: \(generated.stderr)")
        // python → JSON → us → binary → python compares.
        let toJSON = try await python(["tojson", desc, protoName, dir + "/py.bin", dir + "/py.json"])
        try #require(toJSON.status == 0, "python tojson: \(toJSON.stderr)")
        var fromPython: [[UInt8]] = []
        for json in try Self.readRecords(dir + "/py.json") {
            let text = String(decoding: json, as: UTF8.self)
            fromPython.append(
                try M(jsonString: text, options: ProtoJSONDecodingOptions(typeRegistry: registry)).serializedBytes())
        }
        try Self.writeRecords(fromPython, to: dir + "/swift.bin")
        let check = try await python(["check", desc, protoName, dir + "/py.bin", dir + "/swift.bin", "nounknown"])
        #expect(
            check.status == 0,
            "python → JSON → Swift: \(check.stdout.count > 0 ? String(decoding: check.stdout, as: UTF8.self) : check.stderr)"
        )
        // us → JSON (both option sets) → python → binary → python compares with what we had.
        let messages = try Self.readRecords(dir + "/py.bin").map { bytes throws in try M(serializedBytes: bytes) }
        for options in [
            ProtoJSONEncodingOptions(typeRegistry: registry),
            ProtoJSONEncodingOptions(
                alwaysPrintFieldsWithoutPresence: true, preserveProtoFieldNames: true, typeRegistry: registry),
        ] {
            var texts: [[UInt8]] = []
            for message in messages { texts.append(Array(try message.jsonString(options: options).utf8)) }
            try Self.writeRecords(texts, to: dir + "/swift.json")
            let parsed = try await python(["fromjson", desc, protoName, dir + "/swift.json", dir + "/py2.bin"])
            try #require(parsed.status == 0, "python fromjson: \(parsed.stderr)")
            try Self.writeRecords(messages.map { $0.serializedBytes() }, to: dir + "/swift2.bin")
            let check2 = try await python([
                "check", desc, protoName, dir + "/swift2.bin", dir + "/py2.bin", "nounknown",
            ])
            #expect(check2.status == 0, "Swift → JSON → python: \(String(decoding: check2.stdout, as: UTF8.self))")
        }
    }

    @Test func proto3JSON() async throws { try await jsonMatchesPython(Rich_V3_Rich.self, protoName: "rich.v3.Rich") }
    @Test func proto2JSON() async throws { try await jsonMatchesPython(Rich_V2_Rich2.self, protoName: "rich.v2.Rich2") }
    /// google.protobuf.Any singular, repeated, in maps, in a oneof and nested in Any, holding
    /// ordinary messages (rich.v3.Rich: every field type), every well-known type and Any itself.
    @Test func anyJSON() async throws {
        try await jsonMatchesPython(
            Anyjson_V1_Holder.self, protoName: "anyjson.v1.Holder",
            registry: ProtoTypeRegistry([Anyjson_V1_Holder.self, Anyjson_V1_Inner.self, Rich_V3_Rich.self]))
    }

    @Test func proto3TextFormat() async throws {
        try await textMatchesPython(Rich_V3_Rich.self, protoName: "rich.v3.Rich")
    }
    @Test func proto2TextFormat() async throws {
        try await textMatchesPython(Rich_V2_Rich2.self, protoName: "rich.v2.Rich2")
    }
    @Test func legacyTextFormat() async throws {
        try await textMatchesPython(Legacy_V2_Legacy.self, protoName: "legacy.v2.Legacy")
    }
}

/// proto2 `[default = …]`: an unset field reads its default. Python sets every such field explicitly
/// to the default it knows (an independent reading of the .proto); we decode that and compare with
/// our getters' values.
@Suite struct Proto2DefaultTests {
    private func pythonDefaults(_ protoName: String, files: [String]) async throws -> [UInt8] {
        let dir = try ProcessRunner.temporaryDirectory()
        let desc = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--include_imports",
                "--descriptor_set_out=\(dir)/d.pb",
            ] + files)
        try #require(desc.status == 0, "protoc: \(desc.stderr)")
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("python3"),
            [PythonRoundTripTests.script, "defaults", dir + "/d.pb", protoName, dir + "/out.bin"])
        try #require(result.status == 0, "python: \(result.stderr)")
        return try #require(try PythonRoundTripTests.readRecords(dir + "/out.bin").first)
    }

    @Test func rich2Defaults() async throws {
        let unset = Rich_V2_Rich2()
        #expect(!unset.hasI32 && unset.i32 == 42)
        #expect(unset.serializedBytes().isEmpty)
        var expected = unset
        expected.i32 = unset.i32
        expected.name = ""
        expected.data = unset.data
        expected.d = unset.d
        expected.kind = unset.kind
        expected.escaped = unset.escaped
        let fromPython = try await Rich_V2_Rich2(
            serializedBytes: try pythonDefaults("rich.v2.Rich2", files: ["Protos/rich2.proto"]))
        #expect(fromPython == expected)
        #expect(fromPython.hasI32 && fromPython.hasEscaped)
    }

    @Test func syntaxFileDefaults() async throws {
        let unset = Syntax_Test_V1_Outer()
        let fromPython = try await Syntax_Test_V1_Outer(
            serializedBytes: try pythonDefaults("syntax.test.v1.Outer", files: ["Protos/syntax.proto"]))
        #expect(fromPython.hasEscapes && fromPython.escapes == unset.escapes)
        #expect(fromPython.raw == unset.raw)
        #expect(fromPython.negDouble == unset.negDouble)
        #expect(fromPython.special == unset.special && unset.special == -.infinity)
        #expect(fromPython.notANumber.isNaN && unset.notANumber.isNaN)
        #expect(fromPython.negInt == unset.negInt)
        #expect(fromPython.big == unset.big && unset.big == .max)
        #expect(fromPython.flag == unset.flag)
        #expect(fromPython.mode == unset.mode)
        #expect(fromPython.hexNumber == nil, "fields without a default are not set")
    }
}

/// The generated group types of legacy2.proto against bytes protoc (C++) writes from text format.
@Suite struct GeneratedGroupTests {
    private func protocEncode(_ text: String) async throws -> [UInt8] {
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--encode=legacy.v2.Legacy",
                "Protos/legacy2.proto",
            ], stdin: Data(text.utf8))
        try #require(result.status == 0, "protoc: \(result.stderr)")
        return [UInt8](result.stdout)
    }

    @Test func groupsDecodeAndReencodeByteExact() async throws {
        let bytes = try await protocEncode(
            """
            Point { x: -3 Label { text: "t" } } Entry { key: "k" values: 1 values: 2 } Entry { } Pick { n: 9 }
            child { Point { y: 4 } }
            """)
        let m = try Legacy_V2_Legacy(serializedBytes: bytes)
        #expect(m.point?.x == -3 && m.point?.label?.text == "t")
        #expect(m.entry.map(\.key) == ["k", nil] && m.entry[0].values == [1, 2])
        #expect(m.choice == .pick(.with { $0.n = 9 }))
        #expect(m.child?.point?.y == 4)
        #expect(m.serializedBytes() == bytes)
    }

    @Test func mismatchedEndGroupIsATypedError() throws {
        // Point (field 2) opened, then closed by Entry's end tag (field 4) at offset 3.
        #expect(throws: ProtoDecodeError(.endGroupMismatch, offset: 3, fieldNumber: 4)) {
            try Legacy_V2_Legacy(serializedBytes: [0x13, 0x08, 0x01, 0x24])
        }
        #expect(throws: ProtoDecodeError(.truncated, offset: 3, fieldNumber: 2)) {
            try Legacy_V2_Legacy(serializedBytes: [0x13, 0x08, 0x01])
        }
    }
}
