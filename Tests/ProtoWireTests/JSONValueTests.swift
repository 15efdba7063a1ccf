import ProtoWire
import Testing

@Suite struct JSONValueTests {
    // MARK: Accepting

    @Test func parsesTheRFC8259ObjectExample() throws {
        // RFC 8259 section 13, first example.
        let text = """
            {
              "Image": {
                "Width":  800,
                "Height": 600,
                "Title":  "View from 15th Floor",
                "Thumbnail": {
                  "Url":    "http://www.example.com/image/481989943",
                  "Height": 125,
                  "Width":  100
                },
                "Animated" : false,
                "IDs": [116, 943, 234, 38793]
              }
            }
            """
        let value = try JSONValue(parsing: text)
        let image = try #require(value["Image"]?.objectValue)
        #expect(image.keys == ["Width", "Height", "Title", "Thumbnail", "Animated", "IDs"])
        #expect(image["Width"] == .number(JSONNumber(800)))
        #expect(image["Title"] == "View from 15th Floor")
        #expect(image["Thumbnail"]?["Url"]?.stringValue == "http://www.example.com/image/481989943")
        #expect(image["Animated"] == false)
        #expect(image["IDs"] == [116, 943, 234, 38793])
    }

    @Test func parsesScalarsAtTopLevel() throws {
        #expect(try JSONValue(parsing: "null") == .null)
        #expect(try JSONValue(parsing: " true ") == .bool(true))
        #expect(try JSONValue(parsing: "\t\r\nfalse\n") == .bool(false))
        #expect(try JSONValue(parsing: "\"Hello world!\"") == "Hello world!")
        #expect(try JSONValue(parsing: "3.1416") == .number(JSONNumber(text: "3.1416")!))
    }

    @Test func numbersKeepTheirTextAndReadExactly() throws {
        let big = try JSONValue(parsing: "9007199254740993").numberValue!
        #expect(big.text == "9007199254740993")
        #expect(big.int64Value == 9_007_199_254_740_993)  // 2^53 + 1: not representable as Double
        #expect(big.uint64Value == 9_007_199_254_740_993)
        #expect(try JSONValue(parsing: "-9223372036854775808").numberValue?.int64Value == Int64.min)
        #expect(try JSONValue(parsing: "18446744073709551615").numberValue?.uint64Value == UInt64.max)
        #expect(try JSONValue(parsing: "18446744073709551616").numberValue?.uint64Value == nil)
        #expect(try JSONValue(parsing: "-1").numberValue?.uint64Value == nil)
        let exponent = try JSONValue(parsing: "1.5E+2").numberValue!
        #expect(exponent.text == "1.5E+2")
        #expect(exponent.doubleValue == 150)
        #expect(exponent.int64Value == nil)  // not integer text
        #expect(try JSONValue(parsing: "-0").numberValue?.doubleValue.sign == .minus)
        #expect(try JSONValue(parsing: "1e400").doubleValue == .infinity)
        #expect(try JSONValue(parsing: "0.1").doubleValue == 0.1)
        #expect(try JSONValue(parsing: "1") != JSONValue(parsing: "1.0"))  // compared as text
    }

    @Test func decodesEveryEscape() throws {
        let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00\u0000""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀\u{0}"))
    }

    @Test func keepsNonASCIIUnescaped() throws {
        #expect(try JSONValue(parsing: "\"日本語 ü 😀\"") == "日本語 ü 😀")
    }

    @Test func parsesUTF8Bytes() throws {
        // "é" as its two UTF-8 bytes inside a string.
        #expect(try JSONValue(parsing: [0x22, 0xC3, 0xA9, 0x22]) == "é")
    }

    @Test func objectsKeepSourceOrderAndCompareUnordered() throws {
        let a = try JSONValue(parsing: #"{"z":1,"a":2,"m":3}"#)
        #expect(a.objectValue?.keys == ["z", "a", "m"])
        #expect(a.objectValue.map { $0.map(\.key) } == ["z", "a", "m"])
        let b = try JSONValue(parsing: #"{"a":2,"m":3,"z":1}"#)
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(a != (try JSONValue(parsing: #"{"a":2,"m":3,"z":2}"#)))
    }

    @Test func objectSubscriptReplacesInPlaceAndRemoves() {
        var object: JSONObject = ["a": 1, "b": 2, "c": 3]
        object["b"] = "two"
        #expect(object.keys == ["a", "b", "c"])
        object["a"] = nil
        #expect(object.keys == ["b", "c"])
        #expect(object["c"] == 3)
        object["d"] = .null
        #expect(object.keys == ["b", "c", "d"])
        #expect(object["d"] == .null)
        #expect(object["a"] == nil)
    }

    @Test func acceptsDeepNestingUpToTheLimit() throws {
        let text = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        #expect(try JSONValue(parsing: text).arrayValue?.count == 1)
    }

    // MARK: Rejecting, with what and where

    /// Inputs RFC 8259 does not allow, the error kind and where it is reported.
    static let rejected: [(text: String, kind: JSONParseError.Kind, offset: Int)] = [
        ("", .unexpectedEnd, 0),
        ("   ", .unexpectedEnd, 3),
        ("[1,]", .unexpectedCharacter("]"), 3),
        ("[1 2]", .unexpectedCharacter("2"), 3),
        (#"{"a":1,}"#, .unexpectedCharacter("}"), 7),
        (#"{"a" 1}"#, .unexpectedCharacter("1"), 5),
        ("{a:1}", .unexpectedCharacter("a"), 1),
        ("{'a':1}", .unexpectedCharacter("'"), 1),
        ("[1", .unexpectedEnd, 2),
        (#"{"a":1"#, .unexpectedEnd, 6),
        ("tru", .unexpectedEnd, 3),
        ("nul1", .unexpectedCharacter("1"), 3),
        ("True", .unexpectedCharacter("T"), 0),
        ("NaN", .unexpectedCharacter("N"), 0),
        ("1 2", .unexpectedCharacter("2"), 2),
        ("{} x", .unexpectedCharacter("x"), 3),
        ("01", .invalidNumber, 1),
        ("-", .unexpectedEnd, 1),
        ("- 1", .invalidNumber, 1),
        ("+1", .unexpectedCharacter("+"), 0),
        (".5", .unexpectedCharacter("."), 0),
        ("1.", .unexpectedEnd, 2),
        ("1.e3", .invalidNumber, 2),
        ("1e", .unexpectedEnd, 2),
        ("1e+", .unexpectedEnd, 3),
        ("0x10", .unexpectedCharacter("x"), 1),
        ("\"abc", .unexpectedEnd, 4),
        ("\"a\tb\"", .controlCharacterInString, 2),
        ("\"a\nb\"", .controlCharacterInString, 2),
        (#""\x""#, .invalidEscape, 1),
        (#""\'""#, .invalidEscape, 1),
        (#""\u12""#, .invalidUnicodeEscape, 5),
        (#""\u12G4""#, .invalidUnicodeEscape, 5),
        (#""\ud83d""#, .invalidUnicodeEscape, 1),
        (#""\ud83dx""#, .invalidUnicodeEscape, 1),
        (#""\ud83d\u0041""#, .invalidUnicodeEscape, 1),
        (#""\ude00""#, .invalidUnicodeEscape, 1),
        (#"{"a":1,"a":2}"#, .duplicateKey("a"), 7),
        ("[1]\u{0}", .unexpectedCharacter("\u{0}"), 3),
        ("\u{FEFF}1", .unexpectedCharacter("\u{FEFF}"), 0),  // RFC 8259: no byte order mark
    ]

    @Test(arguments: rejected.indices) func rejectsInvalidText(_ k: Int) {
        let (text, kind, offset) = Self.rejected[k]
        do {
            let value = try JSONValue(parsing: text)
            Issue.record("\(text.debugDescription) parsed as \(value)")
        } catch {
            #expect(error.kind == kind, "\(text.debugDescription)")
            #expect(error.offset == offset, "\(text.debugDescription)")
        }
    }

    @Test func errorGivesLineColumnAndExpectation() {
        let text = "{\n  \"é\": [1,\n    2 3]\n}"
        #expect {
            try JSONValue(parsing: text)
        } throws: { error in
            guard let error = error as? JSONParseError else { return false }
            return error.kind == .unexpectedCharacter("3") && error.line == 3 && error.column == 7
                && error.offset == 20 && error.expected == "',' or ']'"
                && error.description == "line 3, column 7 (offset 20): unexpected character '3', expected ',' or ']'"
        }
    }

    @Test func columnsCountScalarsNotBytes() {
        // "é" is two bytes, one column; the error is at the second 'x'.
        do {
            _ = try JSONValue(parsing: "[\"é\",x]")
            Issue.record("parsed")
        } catch {
            #expect(error.offset == 6)
            #expect(error.column == 6)
            #expect(error.expected == "a value")
        }
    }

    @Test func rejectsInvalidUTF8WithItsOffset() {
        let cases: [[UInt8]] = [
            [0x22, 0x61, 0xC3, 0x22],  // truncated two-byte sequence
            [0x22, 0x61, 0xC0, 0x80, 0x22],  // overlong NUL
            [0x22, 0x61, 0xED, 0xA0, 0x80, 0x22],  // encoded surrogate U+D800
            [0x22, 0x61, 0xF4, 0x90, 0x80, 0x80, 0x22],  // above U+10FFFF
            [0x22, 0x61, 0xFF, 0x22],
        ]
        for bytes in cases {
            do {
                _ = try JSONValue(parsing: bytes)
                Issue.record("\(bytes) parsed")
            } catch {
                #expect(error.kind == .invalidUTF8, "\(bytes)")
                #expect(error.offset == 2, "\(bytes)")
            }
        }
        do {
            _ = try JSONValue(parsing: [0xFF])
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .invalidUTF8)
            #expect(error.offset == 0)
        }
    }

    @Test func rejectsNestingBeyondTheLimit() throws {
        let text = String(repeating: "[", count: 101) + String(repeating: "]", count: 101)
        do {
            _ = try JSONValue(parsing: text)
            Issue.record("parsed")
        } catch {
            #expect(error.kind == .nestingTooDeep)
            #expect(error.offset == 100)
        }
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: #"{"a":{"b":[]}}"#, maxDepth: 2) }
        #expect(try JSONValue(parsing: #"{"a":{"b":1}}"#, maxDepth: 2)["a"]?["b"] == 1)
    }

    // MARK: Numbers built in Swift

    @Test func numberInitializers() {
        #expect(JSONNumber(text: "-12.5e-3")?.doubleValue == -0.0125)
        for bad in ["", "-", "01", "1.", ".1", "+1", "1e", "0x1", " 1", "1 ", "NaN", "Infinity"] {
            #expect(JSONNumber(text: bad) == nil, "\(bad.debugDescription)")
        }
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
        #expect(JSONNumber(UInt64.max).text == "18446744073709551615")
        #expect(JSONNumber(1.0)?.text == "1.0")
        #expect(JSONNumber(0.1)?.doubleValue == 0.1)
        #expect(JSONNumber(1e-5).flatMap { JSONNumber(text: $0.text) } != nil)
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONNumber(Double.nan) == nil)
    }

    // MARK: Serializing

    @Test func serializesCompactly() throws {
        let value: JSONValue = ["b": [1, 2.5, "x"], "a": nil, "t": true, "o": [:], "e": []]
        #expect(value.serialized() == #"{"b":[1,2.5,"x"],"a":null,"t":true,"o":{},"e":[]}"#)
    }

    @Test func serializesPrettyPrinted() {
        let value: JSONValue = ["a": [1, 2], "b": ["c": "d"], "e": []]
        #expect(
            value.serialized(prettyPrinted: true) == """
                {
                  "a": [
                    1,
                    2
                  ],
                  "b": {
                    "c": "d"
                  },
                  "e": []
                }
                """)
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let value = JSONValue.string("q\"b\\s/\u{08}\u{0C}\n\r\t\u{0}\u{1F}é😀")
        #expect(value.serialized() == #""q\"b\\s/\b\f\n\r\t\u0000\u001fé😀""#)
    }

    @Test func roundTripsThroughText() throws {
        let text =
            #"{"name":[{"service":"pkg.Svc","method":"Do"}],"timeout":"1.5s","n":-0.0e10,"big":123456789012345678901234567890,"s":"\u0001\"é"}"#
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == text)
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(try JSONValue(parsing: value.serialized(prettyPrinted: true)) == value)
    }
}
