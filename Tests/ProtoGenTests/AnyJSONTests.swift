import Foundation
import ProtoWellKnownTypes
import ProtoWire
import Testing

/// google.protobuf.Any's JSON form through a `ProtoTypeRegistry`: the exact text python's
/// json_format writes for each kind of held type, and a typed error for each bad input.
@Suite struct AnyJSONTests {
    static let registry = ProtoTypeRegistry([Anyjson_V1_Holder.self, Anyjson_V1_Inner.self])
    static let encoding = ProtoJSONEncodingOptions(typeRegistry: registry)
    static let decoding = ProtoJSONDecodingOptions(typeRegistry: registry)

    private static func any<M: ProtoJSONCodable>(_ message: M) -> Google_Protobuf_AnyMessage {
        Google_Protobuf_AnyMessage(packing: message)
    }

    /// Python builds the same Anys from a descriptor set protoc wrote and prints
    /// `MessageToDict(…, descriptor_pool=pool)` compactly ("@type" first, then the fields in order).
    @Test func formsMatchPython() async throws {
        var duration = Google_Protobuf_Duration()
        duration.seconds = 1
        duration.nanos = 212_000_000
        var inner = Anyjson_V1_Inner()
        inner.name = "n"
        inner.big = -9_007_199_254_740_993
        inner.colors = [.red, Anyjson_V1_Inner.Color(rawValue: 7)]
        var timestamp = Google_Protobuf_Timestamp()
        timestamp.seconds = 1
        var wrapped = Google_Protobuf_StringValue()
        wrapped.value = "w"
        let null = Google_Protobuf_Value.with { $0.kind = .nullValue(.nullValue) }
        let structure = Google_Protobuf_Struct.with { $0.fields = ["k": .with { $0.kind = .numberValue(1.5) }] }
        var holder = Anyjson_V1_Holder()
        holder.any = Self.any(inner)
        holder.anys = [Self.any(Google_Protobuf_Empty()), Google_Protobuf_AnyMessage()]
        let anys: [Google_Protobuf_AnyMessage] = [
            Self.any(duration), Self.any(Google_Protobuf_Empty()), Self.any(inner), Self.any(Self.any(timestamp)),
            Self.any(wrapped), Self.any(null), Self.any(structure), Self.any(holder),
        ]
        var ours: [String] = []
        for any in anys { ours.append(try any.jsonString(options: Self.encoding)) }

        let dir = try ProcessRunner.temporaryDirectory()
        let desc = try await ProcessRunner.run(
            try ProcessRunner.which("protoc"),
            [
                "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--include_imports",
                "--descriptor_set_out=\(dir)/any.desc", "Protos/anyjson.proto",
                "google/protobuf/duration.proto", "google/protobuf/empty.proto", "google/protobuf/timestamp.proto",
                "google/protobuf/wrappers.proto", "google/protobuf/struct.proto",
            ])
        try #require(desc.status == 0, "protoc: \(desc.stderr)")
        let script = """
            import json, sys
            from google.protobuf import descriptor_pb2, descriptor_pool, json_format, message_factory
            pool = descriptor_pool.DescriptorPool()
            for f in descriptor_pb2.FileDescriptorSet.FromString(open(sys.argv[1], "rb").read()).file:
                pool.Add(f)
            def new(type_name, **fields):
                return message_factory.GetMessageClass(pool.FindMessageTypeByName(type_name))(**fields)
            def pack(m):
                a = new("google.protobuf.Any")
                a.type_url = "type.googleapis.com/" + m.DESCRIPTOR.full_name
                a.value = m.SerializeToString()
                return a
            inner = new("anyjson.v1.Inner", name="n", big=-9007199254740993, colors=[1, 7])
            value = new("google.protobuf.Value"); value.null_value = 0
            structure = new("google.protobuf.Struct"); structure.fields["k"].number_value = 1.5
            holder = new("anyjson.v1.Holder"); holder.any.CopyFrom(pack(inner))
            holder.anys.add().CopyFrom(pack(new("google.protobuf.Empty"))); holder.anys.add()
            for m in [pack(new("google.protobuf.Duration", seconds=1, nanos=212000000)), pack(new("google.protobuf.Empty")),
                      pack(inner), pack(pack(new("google.protobuf.Timestamp", seconds=1))),
                      pack(new("google.protobuf.StringValue", value="w")), pack(value), pack(structure), pack(holder)]:
                print(json.dumps(json_format.MessageToDict(m, descriptor_pool=pool), separators=(",", ":"), ensure_ascii=False))
            """
        let result = try await ProcessRunner.run(
            try ProcessRunner.which("python3"), ["-c", script, "\(dir)/any.desc"])
        try #require(result.status == 0, "python: \(result.stderr)")
        let theirs = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(ours == theirs)
        // Each text reads back to the Any it came from (values compared as the messages they hold).
        for (any, text) in zip(anys, theirs) {
            let back = try Google_Protobuf_AnyMessage(jsonString: text, options: Self.decoding)
            #expect(back.typeURL == any.typeURL)
            #expect(try back.jsonString(options: Self.encoding) == text)
        }
    }

    @Test func emptyAnyIsAnEmptyObject() throws {
        #expect(try Google_Protobuf_AnyMessage().jsonString() == "{}")
        #expect(try Google_Protobuf_AnyMessage(jsonString: "{}") == Google_Protobuf_AnyMessage())
    }

    @Test func unknownTypeURLIsATypedErrorBothWays() throws {
        let url = "type.googleapis.com/anyjson.v1.Inner"
        var holder = Anyjson_V1_Holder()
        holder.any = Self.any(Anyjson_V1_Inner.with { $0.name = "x" })
        // Without the registry: neither writing nor reading knows anyjson.v1.Inner.
        do {
            _ = try holder.jsonString()
            Issue.record("an Any of an unregistered type was written")
        } catch {
            #expect(error.kind == .unknownAnyType(typeURL: url))
            #expect(error.message.contains(url))
        }
        let text = try holder.jsonString(options: Self.encoding)
        #expect(text == #"{"any":{"@type":"type.googleapis.com/anyjson.v1.Inner","name":"x"}}"#)
        do {
            _ = try Anyjson_V1_Holder(jsonString: text, options: ProtoJSONDecodingOptions(ignoreUnknownFields: true))
            Issue.record("an Any of an unregistered type was read")
        } catch {
            #expect(error.kind == .unknownAnyType(typeURL: url))
            #expect(error.field == "any.@type")
            #expect(error.message.contains(url))
        }
        #expect(try Anyjson_V1_Holder(jsonString: text, options: Self.decoding) == holder)
    }

    @Test func badAnyJSONNamesWhatAndWhere() {
        func expectError(
            _ json: String, field: String, _ containing: String, sourceLocation: SourceLocation = #_sourceLocation
        ) {
            do {
                _ = try Anyjson_V1_Holder(jsonString: json, options: Self.decoding)
                Issue.record("accepted \(json)", sourceLocation: sourceLocation)
            } catch {
                #expect(error.field == field, sourceLocation: sourceLocation)
                #expect(error.message.contains(containing), "\(error)", sourceLocation: sourceLocation)
                #expect(error.kind == .invalid, sourceLocation: sourceLocation)
            }
        }
        expectError(#"{"any": {"name": "x"}}"#, field: "any", "without \"@type\"")
        expectError(#"{"any": {"@type": 5}}"#, field: "any.@type", "expected a type URL string, found number")
        expectError(#"{"any": {"@type": "anyjson.v1.Inner"}}"#, field: "any.@type", "has no '/'")
        expectError(#"{"any": [1]}"#, field: "any", "expected an object, found array")
        expectError(
            #"{"any": {"@type": "type.googleapis.com/google.protobuf.Duration"}}"#, field: "any", "without \"value\"")
        expectError(
            #"{"any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": "1s", "extra": 1}}"#,
            field: "any.extra", "no such field")
        expectError(
            #"{"any": {"@type": "type.googleapis.com/google.protobuf.Duration", "value": 1}}"#, field: "any.value",
            "expected a duration")
        expectError(
            #"{"any": {"@type": "type.googleapis.com/anyjson.v1.Inner", "nope": 1}}"#, field: "any.nope",
            "no such field")
    }

    @Test func bytesThatAreNotTheNamedTypeAreAnError() {
        var any = Google_Protobuf_AnyMessage()
        any.typeURL = "type.googleapis.com/google.protobuf.Duration"
        any.value = [0x08]  // field 1 varint, truncated
        #expect(throws: ProtoJSONError.self) { try any.jsonString() }
    }

    /// Each Any decodes its bytes afresh, so binary input can nest Anys without the decoder's depth
    /// limit; writing JSON stops at 100 levels with an error instead of exhausting the stack.
    @Test func deeplyNestedAnysAreAnErrorNotACrash() throws {
        var any = Self.any(Google_Protobuf_Empty())
        for _ in 0..<100 { any = Self.any(any) }
        #expect(throws: ProtoJSONError(field: "", message: "google.protobuf.Any nested more than 100 deep")) {
            try any.jsonString()
        }
        var shallow = Self.any(Google_Protobuf_Empty())
        for _ in 0..<99 { shallow = Self.any(shallow) }
        let text = try shallow.jsonString()
        // Reading is bounded by the JSON nesting limit: 100 objects, one per Any.
        #expect(try Google_Protobuf_AnyMessage(jsonString: text) == shallow)
        #expect(throws: ProtoJSONError.self) {
            try Google_Protobuf_AnyMessage(jsonString: text, options: ProtoJSONDecodingOptions(maxDepth: 99))
        }
    }

    @Test func packingAndUnpacking() throws {
        let inner = Anyjson_V1_Inner.with { $0.name = "p" }
        let any = Google_Protobuf_AnyMessage(packing: inner, typePrefix: "example.com/types")
        #expect(any.typeURL == "example.com/types/anyjson.v1.Inner")
        #expect(any.typeName == "anyjson.v1.Inner")
        #expect(any.holds(Anyjson_V1_Inner.self) && !any.holds(Anyjson_V1_Holder.self))
        #expect(try any.unpack(Anyjson_V1_Inner.self) == inner)
        #expect(try any.unpack(Google_Protobuf_Duration.self) == nil)
        #expect(Anyjson_V1_Inner.protoMessageName == "anyjson.v1.Inner")
        #expect(Google_Protobuf_AnyMessage.protoMessageName == "google.protobuf.Any")
    }

    @Test func registryEqualityAndNames() {
        var a = ProtoTypeRegistry()
        a.register(Anyjson_V1_Inner.self)
        a.register(Anyjson_V1_Holder.self)
        let b = ProtoTypeRegistry([Anyjson_V1_Holder.self, Anyjson_V1_Inner.self])
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != ProtoTypeRegistry([Anyjson_V1_Inner.self]))
        #expect(a.messageNames == ["anyjson.v1.Holder", "anyjson.v1.Inner"])
        #expect(a.messageType(named: "anyjson.v1.Inner") == Anyjson_V1_Inner.self)
        #expect(a.messageType(named: "anyjson.v1.Missing") == nil)
    }
}
