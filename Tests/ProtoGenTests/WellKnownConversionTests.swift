import Foundation
import ProtoWire
import ProtoWellKnownTypes
import Testing

/// Timestamp ↔ Date and Duration ↔ Swift `Duration`, checked against python protobuf's own
/// conversions (`Timestamp.FromJsonString`, `Duration.FromJsonString`/`FromNanoseconds`).
@Suite struct WellKnownConversionTests {
    /// Runs python and returns its output lines, each a space-separated list of integers.
    private func python(_ script: String) async throws -> [[Int64]] {
        let result = try await ProcessRunner.run(try ProcessRunner.which("python3"), ["-c", script])
        try #require(result.status == 0, "python: \(result.stderr)")
        return String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map { line in
            line.split(separator: " ").compactMap { Int64($0) }
        }
    }

    @Test func timestampFromDateMatchesPython() async throws {
        // Instants a Double holds exactly, before and after the epoch.
        let instants: [(String, Double)] = [
            ("1970-01-01T00:00:00Z", 0), ("1969-12-31T23:59:59.250Z", -0.75),
            ("2023-11-14T22:13:20.500Z", 1_700_000_000.5),
            ("1900-01-01T00:00:00.125Z", -2_208_988_799.875), ("9999-12-31T23:59:59Z", 253_402_300_799),
            ("0001-01-01T00:00:00Z", -62_135_596_800),
        ]
        let script =
            "from google.protobuf import timestamp_pb2\n"
            + instants.map {
                "t = timestamp_pb2.Timestamp(); t.FromJsonString('\($0.0)'); print(t.seconds, t.nanos)"
            }.joined(separator: "\n")
        let expected = try await python(script)
        try #require(expected.count == instants.count)
        for ((text, seconds), values) in zip(instants, expected) {
            let ours = Google_Protobuf_Timestamp(date: Date(timeIntervalSince1970: seconds))
            #expect([ours.seconds, Int64(ours.nanos)] == values, "\(text)")
            var timestamp = Google_Protobuf_Timestamp()
            timestamp.seconds = values[0]
            timestamp.nanos = Int32(values[1])
            #expect(timestamp.date == Date(timeIntervalSince1970: seconds), "\(text)")
        }
    }

    @Test func nanosecondsRoundToNearestAndCarry() {
        // 0.9999999999 s rounds up to the next whole second, not to nanos = 1_000_000_000.
        let t = Google_Protobuf_Timestamp(timeIntervalSince1970: 0.999_999_999_9)
        #expect(t.seconds == 1 && t.nanos == 0)
    }

    @Test func durationMatchesPython() async throws {
        let cases: [(String, Duration)] = [
            ("FromJsonString('1.5s')", .milliseconds(1500)), ("FromJsonString('-1.5s')", .milliseconds(-1500)),
            ("FromNanoseconds(-1)", .nanoseconds(-1)), ("FromJsonString('-0.000000001s')", .nanoseconds(-1)),
            (
                "FromJsonString('315576000000.999999999s')",
                Duration(secondsComponent: 315_576_000_000, attosecondsComponent: 999_999_999_000_000_000)
            ),
            (
                "FromJsonString('-315576000000.999999999s')",
                Duration(secondsComponent: -315_576_000_000, attosecondsComponent: -999_999_999_000_000_000)
            ),
            ("FromJsonString('0s')", .zero),
        ]
        let script =
            "from google.protobuf import duration_pb2\n"
            + cases.map {
                "d = duration_pb2.Duration(); d.\($0.0); print(d.seconds, d.nanos)"
            }.joined(separator: "\n")
        let expected = try await python(script)
        try #require(expected.count == cases.count)
        for ((call, duration), values) in zip(cases, expected) {
            let ours = Google_Protobuf_Duration(duration)
            #expect([ours.seconds, Int64(ours.nanos)] == values, "\(call)")
            #expect(ours.duration == duration, "\(call)")
        }
    }

    @Test func subNanosecondDurationTruncatesTowardZero() {
        let d = Google_Protobuf_Duration(Duration(secondsComponent: -2, attosecondsComponent: -999_999_999_999_999_999))
        #expect(d.seconds == -2 && d.nanos == -999_999_999)
    }

    /// The special JSON forms, compared with python's json_format for the same values, and read back.
    @Test func specialJSONFormsMatchPython() async throws {
        var ts = Google_Protobuf_Timestamp()
        ts.seconds = -1
        ts.nanos = 250_000_000
        var d1 = Google_Protobuf_Duration()
        d1.seconds = -1
        d1.nanos = -500_000_000
        var d2 = Google_Protobuf_Duration()
        d2.nanos = -1000
        var mask = Google_Protobuf_FieldMask()
        mask.paths = ["foo_bar", "baz.qux_quux"]
        let value = Google_Protobuf_Value.with {
            $0.kind = .structValue(
                .with {
                    $0.fields = [
                        "b": .with { $0.kind = .boolValue(true) },
                        "a": .with {
                            $0.kind = .listValue(
                                .with {
                                    $0.values = [
                                        .with { $0.kind = .stringValue("x") },
                                        .with { $0.kind = .nullValue(.nullValue) },
                                        .with { $0.kind = .numberValue(1.5) },
                                    ]
                                })
                        },
                    ]
                })
        }
        var wrapped = Google_Protobuf_Int64Value()
        wrapped.value = -9_007_199_254_740_993
        let ours = [
            try ts.jsonString(), try d1.jsonString(), try d2.jsonString(), try mask.jsonString(),
            try value.jsonString(), try wrapped.jsonString(),
        ]
        let script = """
            import json
            from google.protobuf import json_format, timestamp_pb2, duration_pb2, field_mask_pb2, struct_pb2, wrappers_pb2
            v = struct_pb2.Value(); v.struct_value.update({"b": True, "a": ["x", None, 1.5]})
            for m in [timestamp_pb2.Timestamp(seconds=-1, nanos=250000000), duration_pb2.Duration(seconds=-1, nanos=-500000000),
                      duration_pb2.Duration(nanos=-1000), field_mask_pb2.FieldMask(paths=["foo_bar", "baz.qux_quux"]), v,
                      wrappers_pb2.Int64Value(value=-9007199254740993)]:
                print(json.dumps(json_format.MessageToDict(m), separators=(",", ":"), sort_keys=True))
            """
        let result = try await ProcessRunner.run(try ProcessRunner.which("python3"), ["-c", script])
        try #require(result.status == 0, "python: \(result.stderr)")
        let theirs = String(decoding: result.stdout, as: UTF8.self).split(separator: "\n").map(String.init)
        #expect(ours == theirs)
        #expect(try Google_Protobuf_Timestamp(jsonString: "\"1969-12-31T23:59:59.250Z\"") == ts)
        #expect(try Google_Protobuf_Timestamp(jsonString: "\"1970-01-01T01:59:59.250+02:00\"") == ts)
        #expect(try Google_Protobuf_Duration(jsonString: "\"-1.5s\"") == d1)
        #expect(try Google_Protobuf_FieldMask(jsonString: "\"fooBar,baz.quxQuux\"") == mask)
        #expect(try Google_Protobuf_Value(jsonString: ours[4]) == value)
        #expect(throws: ProtoJSONError.self) { try Google_Protobuf_Timestamp(jsonString: "\"1970-01-01t00:00:00Z\"") }
        #expect(throws: ProtoJSONError.self) { try Google_Protobuf_Duration(jsonString: "\"1\"") }
    }
}
