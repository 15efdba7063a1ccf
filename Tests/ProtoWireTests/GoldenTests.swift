// Golden vectors: protoc (`--encode`, Debian protobuf-compiler) and python protobuf encode the same
// values from text format; ProtoWire must write exactly their bytes and read them back to the same values.
import Foundation
import ProtoWire
import Testing

typealias TestAll = Wiretest_TestAll

/// One value of TestAll with its text format.
struct GoldenCase {
    var text: String
    var message: TestAll
    /// NaN is never equal to itself: such cases compare bytes only.
    var comparable = true
}

enum GoldenCases {
    static func scalar<V>(
        _ proto: String, _ values: [V], _ text: (V) -> String,
        plain: WritableKeyPath<TestAll, V>, optional: WritableKeyPath<TestAll, V?>,
        packed: WritableKeyPath<TestAll, [V]>?, unpacked: WritableKeyPath<TestAll, [V]>?,
        comparable: (V) -> Bool = { _ in true }
    ) -> [GoldenCase] {
        var out: [GoldenCase] = []
        for v in values {
            var m = TestAll()
            m[keyPath: plain] = v
            out.append(GoldenCase(text: "f_\(proto): \(text(v))", message: m, comparable: comparable(v)))
            m = TestAll()
            m[keyPath: optional] = v
            out.append(GoldenCase(text: "o_\(proto): \(text(v))", message: m, comparable: comparable(v)))
        }
        let all = values.allSatisfy(comparable)
        if let packed {
            var m = TestAll()
            m[keyPath: packed] = values
            out.append(
                GoldenCase(
                    text: values.map { "r_\(proto): \(text($0))" }.joined(separator: " "), message: m, comparable: all))
        }
        if let unpacked {
            var m = TestAll()
            m[keyPath: unpacked] = values
            out.append(
                GoldenCase(
                    text: values.map { "u_\(proto): \(text($0))" }.joined(separator: " "), message: m, comparable: all))
        }
        return out
    }

    static let int32s: [Int32] = [0, 1, -1, 127, 128, 300, .min, .max]
    static let int64s: [Int64] = [0, 1, -1, 1 << 35, .min, .max]
    static let uint32s: [UInt32] = [0, 1, 127, 128, .max]
    static let uint64s: [UInt64] = [0, 1, 1 << 63, .max]
    static let floats: [Float] = [
        0, -0.0, 1.5, -1, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .nan,
    ]
    static let doubles: [Double] = [
        0, -0.0, 1.5, -1, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude, .nan,
    ]
    static let strings = ["", "testing", String(repeating: "long ", count: 200), "héllo 中文 🎉", "\"\\\n\u{0}\u{7F}"]
    static let bytes: [[UInt8]] = [[], [0], [0xFF, 0, 0x80], (0..<300).map { UInt8($0 & 0xFF) }]
    static let colors: [Wiretest_Color] = [
        .unspecified, .red, .blue, .negative, .unrecognized(77), .unrecognized(.min),
    ]
    static let nesteds: [Wiretest_Nested] = {
        var deep = Wiretest_Nested()
        deep.a = 1
        deep.b = "x"
        var child = Wiretest_Nested()
        child.a = -1
        deep.child = child
        deep.r = [-1, 0, .max, .min]
        return [Wiretest_Nested(), deep]
    }()

    static var scalars: [GoldenCase] {
        var all: [GoldenCase] = []
        all += scalar("int32", int32s, desc, plain: \.fInt32, optional: \.oInt32, packed: \.rInt32, unpacked: \.uInt32)
        all += scalar("int64", int64s, desc, plain: \.fInt64, optional: \.oInt64, packed: \.rInt64, unpacked: \.uInt64)
        all += scalar(
            "uint32", uint32s, desc, plain: \.fUint32, optional: \.oUint32, packed: \.rUint32, unpacked: \.uUint32)
        all += scalar(
            "uint64", uint64s, desc, plain: \.fUint64, optional: \.oUint64, packed: \.rUint64, unpacked: \.uUint64)
        all += scalar(
            "sint32", int32s, desc, plain: \.fSint32, optional: \.oSint32, packed: \.rSint32, unpacked: \.uSint32)
        all += scalar(
            "sint64", int64s, desc, plain: \.fSint64, optional: \.oSint64, packed: \.rSint64, unpacked: \.uSint64)
        all += scalar(
            "fixed32", uint32s, desc, plain: \.fFixed32, optional: \.oFixed32, packed: \.rFixed32, unpacked: \.uFixed32)
        all += scalar(
            "fixed64", uint64s, desc, plain: \.fFixed64, optional: \.oFixed64, packed: \.rFixed64, unpacked: \.uFixed64)
        all += scalar(
            "sfixed32", int32s, desc, plain: \.fSfixed32, optional: \.oSfixed32, packed: \.rSfixed32,
            unpacked: \.uSfixed32)
        all += scalar(
            "sfixed64", int64s, desc, plain: \.fSfixed64, optional: \.oSfixed64, packed: \.rSfixed64,
            unpacked: \.uSfixed64)
        all += scalar(
            "float", floats, TextFormat.float, plain: \.fFloat, optional: \.oFloat, packed: \.rFloat,
            unpacked: \.uFloat, comparable: { !$0.isNaN })
        all += scalar(
            "double", doubles, TextFormat.float, plain: \.fDouble, optional: \.oDouble, packed: \.rDouble,
            unpacked: \.uDouble, comparable: { !$0.isNaN })
        all += scalar(
            "bool", [false, true], desc, plain: \.fBool, optional: \.oBool, packed: \.rBool, unpacked: \.uBool)
        all += scalar(
            "color", colors, TextFormat.color, plain: \.fColor, optional: \.oColor, packed: \.rColor, unpacked: \.uColor
        )
        all += scalar(
            "string", strings, TextFormat.string, plain: \.fString, optional: \.oString, packed: nil, unpacked: nil)
        all += scalar("bytes", bytes, TextFormat.bytes, plain: \.fBytes, optional: \.oBytes, packed: nil, unpacked: nil)
        all += scalar(
            "int32", [0, 1, -1, Int32.max], desc, plain: \.fMaxField, optional: \.oInt32, packed: nil, unpacked: nil
        )
        .enumerated().filter { $0.offset % 2 == 0 }.map { c in
            GoldenCase(
                text: c.element.text.replacingOccurrences(of: "f_int32", with: "f_max_field"),
                message: c.element.message)
        }
        for n in nesteds {
            var m = TestAll()
            m.fNested = n
            all.append(GoldenCase(text: "f_nested \(TextFormat.nested(n))", message: m))
            m = TestAll()
            m.oNested = n
            all.append(GoldenCase(text: "o_nested \(TextFormat.nested(n))", message: m))
        }
        var m = TestAll()
        m.rString = strings
        m.rBytes = bytes
        m.rNested = nesteds
        all.append(
            GoldenCase(
                text: strings.map { "r_string: \(TextFormat.string($0))" }.joined(separator: " ") + " "
                    + bytes.map { "r_bytes: \(TextFormat.bytes($0))" }.joined(separator: " ") + " "
                    + nesteds.map { "r_nested \(TextFormat.nested($0))" }.joined(separator: " "),
                message: m))
        return all
    }

    static var oneofs: [GoldenCase] {
        var out: [GoldenCase] = []
        for v: UInt32 in [0, .max] {
            out.append(GoldenCase(text: "c_uint32: \(v)", message: with { $0.choice = .cUint32(v) }))
        }
        for v in ["", "héllo"] {
            out.append(GoldenCase(text: "c_string: \(TextFormat.string(v))", message: with { $0.choice = .cString(v) }))
        }
        for v in nesteds {
            out.append(GoldenCase(text: "c_nested \(TextFormat.nested(v))", message: with { $0.choice = .cNested(v) }))
        }
        for v in bytes.prefix(2) {
            out.append(GoldenCase(text: "c_bytes: \(TextFormat.bytes(v))", message: with { $0.choice = .cBytes(v) }))
        }
        for v in colors {
            out.append(GoldenCase(text: "c_enum: \(TextFormat.color(v))", message: with { $0.choice = .cEnum(v) }))
        }
        return out
    }

    /// Maps with one entry each (protoc's map order is unspecified; several entries go to `multiEntryMaps`).
    static var maps: [GoldenCase] {
        var out: [GoldenCase] = []
        func add(_ text: String, _ build: (inout TestAll) -> Void) {
            out.append(GoldenCase(text: text, message: with(build)))
        }
        add("m_int32_int32 { key: -1 value: 2147483647 }") { $0.mInt32Int32 = [-1: .max] }
        add("m_int32_int32 { key: 0 value: 0 }") { $0.mInt32Int32 = [0: 0] }
        add("m_int64_string { key: -9223372036854775808 value: \"中\" }") { $0.mInt64String = [.min: "中"] }
        add("m_uint32_bytes { key: 4294967295 value: \"\\000\\377\" }") { $0.mUint32Bytes = [.max: [0, 0xFF]] }
        add("m_uint64_nested { key: 18446744073709551615 value \(TextFormat.nested(nesteds[1])) }") {
            $0.mUint64Nested = [.max: nesteds[1]]
        }
        add("m_uint64_nested { key: 0 value { } }") { $0.mUint64Nested = [0: Wiretest_Nested()] }
        add("m_sint32_color { key: -2147483648 value: NEGATIVE }") { $0.mSint32Color = [.min: .negative] }
        add("m_sint32_color { key: 5 value: 77 }") { $0.mSint32Color = [5: .unrecognized(77)] }
        add("m_sint64_double { key: -1 value: -inf }") { $0.mSint64Double = [-1: -.infinity] }
        add("m_fixed32_float { key: 7 value: 1.5 }") { $0.mFixed32Float = [7: 1.5] }
        add("m_fixed64_bool { key: 18446744073709551615 value: true }") { $0.mFixed64Bool = [.max: true] }
        add("m_sfixed32_sfixed64 { key: -1 value: -9223372036854775808 }") { $0.mSfixed32Sfixed64 = [-1: .min] }
        add("m_bool_string { key: true value: \"\" }") { $0.mBoolString = [true: ""] }
        add("m_string_nested { key: \"🎉\" value { a: 1 } }") {
            $0.mStringNested = ["🎉": with { (n: inout Wiretest_Nested) in n.a = 1 }]
        }
        add("m_string_string { key: \"\" value: \"v\" }") { $0.mStringString = ["": "v"] }
        return out
    }

    static func desc<V: CustomStringConvertible>(_ v: V) -> String { v.description }

    static func with<M: ProtoMessage>(_ build: (inout M) -> Void) -> M {
        var m = M()
        build(&m)
        return m
    }
}

@Suite struct GoldenTests {
    /// Encodes every case with protoc in one run (as the records of `Cases.cases`), then compares case
    /// by case so that a failure names its text.
    func check(_ cases: [GoldenCase]) async throws {
        let text = cases.map { "cases { \($0.text) }" }.joined(separator: "\n")
        let golden = try await Tools.protocEncode("wiretest.Cases", text: text)
        let slices = Records.split(golden)
        try #require(slices.count == cases.count)
        // scripts/fuzz-seeds.sh collects protoc's bytes as the fuzzer's seed corpus.
        if let dir = ProcessInfo.processInfo.environment["PROTOWIRE_DUMP_SEEDS"] {
            for (i, slice) in slices.enumerated() {
                try Data(slice).write(
                    to: URL(fileURLWithPath: dir).appendingPathComponent("golden-\(cases.count)-\(i)"))
            }
        }
        for (c, theirs) in zip(cases, slices) {
            #expect(c.message.serializedBytes() == theirs, "encode differs from protoc for \(c.text)")
            let decoded = try TestAll(serializedBytes: theirs)
            if c.comparable {
                #expect(decoded == c.message, "decode of protoc's bytes differs for \(c.text)")
            }
            #expect(decoded.unknownFields.isEmpty, "unexpected unknown fields for \(c.text)")
            #expect(decoded.serializedBytes() == theirs, "re-encode differs for \(c.text)")
        }
        var all = Wiretest_Cases()
        all.cases = cases.map(\.message)
        #expect(all.serializedBytes() == golden)
    }

    @Test func scalarsRepeatedAndNestedMatchProtoc() async throws {
        try await check(GoldenCases.scalars)
    }

    @Test func oneofsMatchProtoc() async throws {
        try await check(GoldenCases.oneofs)
    }

    @Test func singleEntryMapsMatchProtoc() async throws {
        try await check(GoldenCases.maps)
    }
}
