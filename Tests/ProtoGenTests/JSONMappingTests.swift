import ProtoWire
import Testing

/// The JSON mapping's options and its errors on bad input (each names the member).
@Suite struct JSONMappingTests {
    @Test func unknownFieldsAreErrorsUnlessIgnored() throws {
        #expect(throws: ProtoJSONError(field: "nope", message: "no such field")) {
            try Rich_V3_Rich(jsonString: #"{"fInt32": 1, "nope": 2}"#)
        }
        let lenient = try Rich_V3_Rich(
            jsonString: #"{"fInt32": 1, "nope": 2, "color": "NO_SUCH"}"#,
            options: ProtoJSONDecodingOptions(ignoreUnknownFields: true))
        #expect(lenient.fInt32 == 1)
        #expect(lenient.color == .unspecified)
    }

    @Test func badValuesNameTheirMember() {
        #expect(throws: ProtoJSONError(field: "fInt32", message: "\"1.5\" is not a 32-bit integer")) {
            try Rich_V3_Rich(jsonString: #"{"fInt32": 1.5}"#)
        }
        #expect(throws: ProtoJSONError(field: "fBool", message: "expected true or false, found string")) {
            try Rich_V3_Rich(jsonString: #"{"fBool": "true"}"#)
        }
        #expect(throws: ProtoJSONError(field: "color", message: "\"PURPLE\" is not a value of the enum")) {
            try Rich_V3_Rich(jsonString: #"{"color": "PURPLE"}"#)
        }
        #expect(throws: ProtoJSONError.self) { try Rich_V3_Rich(jsonString: #"{"fInt32": 1,}"#) }
        #expect(throws: ProtoJSONError.self) { try Rich_V3_Rich(jsonString: #"[1]"#) }
    }

    @Test func bothNamesAndNumbersAsStringsAreRead() throws {
        let message = try Rich_V3_Rich(jsonString: #"{"f_int32": "-7", "fInt64": 9007199254740993, "fFloat": "NaN"}"#)
        #expect(message.fInt32 == -7)
        #expect(message.fInt64 == 9_007_199_254_740_993)
        #expect(message.fFloat.isNaN)
    }

    @Test func defaultsAndProtoNamesOnRequest() throws {
        let empty = Rich_V3_Rich()
        #expect(try empty.jsonString() == "{}")
        let full = try empty.jsonString(
            options: ProtoJSONEncodingOptions(alwaysPrintFieldsWithoutPresence: true, preserveProtoFieldNames: true))
        #expect(full.contains(#""f_int32":0"#))
        #expect(full.contains(#""f_int64":"0""#))
        #expect(full.contains(#""r_int32":[]"#))
        #expect(!full.contains("o_int32"))  // fields with presence stay out while unset
    }
}
