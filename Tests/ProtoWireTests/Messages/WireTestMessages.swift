// Hand-written Swift twins of Fixtures/wiretest.proto in the shape the generator emits (written with
// the help of a throwaway script). Checked against protoc and python protobuf by the tests.
import ProtoWire

enum Wiretest_Color: ProtoEnum, CaseIterable {
    case unspecified, red, green, blue, negative
    case unrecognized(Int32)

    static let allCases: [Wiretest_Color] = [.unspecified, .red, .green, .blue, .negative]

    init(rawValue: Int32) {
        switch rawValue {
        case 0: self = .unspecified
        case 1: self = .red
        case 2: self = .green
        case 3: self = .blue
        case -1: self = .negative
        default: self = .unrecognized(rawValue)
        }
    }

    var rawValue: Int32 {
        switch self {
        case .unspecified: 0
        case .red: 1
        case .green: 2
        case .blue: 3
        case .negative: -1
        case .unrecognized(let v): v
        }
    }
}

struct Wiretest_Nested: ProtoMessage {
    var a: Int32 = 0
    var b = ""
    private var _child: Box<Wiretest_Nested>?
    var r: [Int64] = []
    var unknownFields = ProtoUnknownFields()

    /// Recursive field: boxed so that the struct has a finite size.
    var child: Wiretest_Nested? {
        get { _child?.value }
        set { _child = newValue.map(Box.init) }
    }

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoInt32.self, a, field: 1)
            + ProtoSize.nonDefault(ProtoString.self, b, field: 2)
            + ProtoSize.ifPresent(ProtoMessageType<Wiretest_Nested>.self, child, field: 3)
            + ProtoSize.packed(ProtoSInt64.self, r, field: 4)
            + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt32.self, a, field: 1)
        writer.writeNonDefault(ProtoString.self, b, field: 2)
        writer.writeIfPresent(ProtoMessageType<Wiretest_Nested>.self, child, field: 3)
        writer.writePacked(ProtoSInt64.self, r, field: 4)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt32.self, field, into: &a)
            case 2: try reader.read(ProtoString.self, field, into: &b)
            case 3:
                var c = child
                try reader.read(ProtoMessageType<Wiretest_Nested>.self, field, into: &c)
                child = c
            case 4: try reader.readRepeated(ProtoSInt64.self, field, into: &r)
            default: break
            }
        }
    }
}

final class Box<T: Hashable & Sendable>: Hashable, Sendable {
    let value: T
    init(_ value: T) { self.value = value }
    static func == (l: Box, r: Box) -> Bool { l.value == r.value }
    func hash(into h: inout Hasher) { value.hash(into: &h) }
}

struct Wiretest_TestAll: ProtoMessage {
    enum OneOf_Choice: Hashable, Sendable {
        case cUint32(UInt32)
        case cString(String)
        case cNested(Wiretest_Nested)
        case cBytes([UInt8])
        case cEnum(Wiretest_Color)
    }

    var fInt32: Int32 = 0
    var fInt64: Int64 = 0
    var fUint32: UInt32 = 0
    var fUint64: UInt64 = 0
    var fSint32: Int32 = 0
    var fSint64: Int64 = 0
    var fFixed32: UInt32 = 0
    var fFixed64: UInt64 = 0
    var fSfixed32: Int32 = 0
    var fSfixed64: Int64 = 0
    var fFloat: Float = 0
    var fDouble: Double = 0
    var fBool: Bool = false
    var fString: String = ""
    var fBytes: [UInt8] = []
    var fColor: Wiretest_Color = .unspecified
    var fNested: Wiretest_Nested?
    var oInt32: Int32?
    var oInt64: Int64?
    var oUint32: UInt32?
    var oUint64: UInt64?
    var oSint32: Int32?
    var oSint64: Int64?
    var oFixed32: UInt32?
    var oFixed64: UInt64?
    var oSfixed32: Int32?
    var oSfixed64: Int64?
    var oFloat: Float?
    var oDouble: Double?
    var oBool: Bool?
    var oString: String?
    var oBytes: [UInt8]?
    var oColor: Wiretest_Color?
    var oNested: Wiretest_Nested?
    var rInt32: [Int32] = []
    var rInt64: [Int64] = []
    var rUint32: [UInt32] = []
    var rUint64: [UInt64] = []
    var rSint32: [Int32] = []
    var rSint64: [Int64] = []
    var rFixed32: [UInt32] = []
    var rFixed64: [UInt64] = []
    var rSfixed32: [Int32] = []
    var rSfixed64: [Int64] = []
    var rFloat: [Float] = []
    var rDouble: [Double] = []
    var rBool: [Bool] = []
    var rColor: [Wiretest_Color] = []
    var uInt32: [Int32] = []
    var uInt64: [Int64] = []
    var uUint32: [UInt32] = []
    var uUint64: [UInt64] = []
    var uSint32: [Int32] = []
    var uSint64: [Int64] = []
    var uFixed32: [UInt32] = []
    var uFixed64: [UInt64] = []
    var uSfixed32: [Int32] = []
    var uSfixed64: [Int64] = []
    var uFloat: [Float] = []
    var uDouble: [Double] = []
    var uBool: [Bool] = []
    var uColor: [Wiretest_Color] = []
    var rString: [String] = []
    var rBytes: [[UInt8]] = []
    var rNested: [Wiretest_Nested] = []
    var mInt32Int32: [Int32: Int32] = [:]
    var mInt64String: [Int64: String] = [:]
    var mUint32Bytes: [UInt32: [UInt8]] = [:]
    var mUint64Nested: [UInt64: Wiretest_Nested] = [:]
    var mSint32Color: [Int32: Wiretest_Color] = [:]
    var mSint64Double: [Int64: Double] = [:]
    var mFixed32Float: [UInt32: Float] = [:]
    var mFixed64Bool: [UInt64: Bool] = [:]
    var mSfixed32Sfixed64: [Int32: Int64] = [:]
    var mBoolString: [Bool: String] = [:]
    var mStringNested: [String: Wiretest_Nested] = [:]
    var mStringString: [String: String] = [:]
    var fMaxField: Int32 = 0
    var choice: OneOf_Choice?
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        var n = 0
        n += ProtoSize.nonDefault(ProtoInt32.self, fInt32, field: 1)
        n += ProtoSize.nonDefault(ProtoInt64.self, fInt64, field: 2)
        n += ProtoSize.nonDefault(ProtoUInt32.self, fUint32, field: 3)
        n += ProtoSize.nonDefault(ProtoUInt64.self, fUint64, field: 4)
        n += ProtoSize.nonDefault(ProtoSInt32.self, fSint32, field: 5)
        n += ProtoSize.nonDefault(ProtoSInt64.self, fSint64, field: 6)
        n += ProtoSize.nonDefault(ProtoFixed32.self, fFixed32, field: 7)
        n += ProtoSize.nonDefault(ProtoFixed64.self, fFixed64, field: 8)
        n += ProtoSize.nonDefault(ProtoSFixed32.self, fSfixed32, field: 9)
        n += ProtoSize.nonDefault(ProtoSFixed64.self, fSfixed64, field: 10)
        n += ProtoSize.nonDefault(ProtoFloat.self, fFloat, field: 11)
        n += ProtoSize.nonDefault(ProtoDouble.self, fDouble, field: 12)
        n += ProtoSize.nonDefault(ProtoBool.self, fBool, field: 13)
        n += ProtoSize.nonDefault(ProtoString.self, fString, field: 14)
        n += ProtoSize.nonDefault(ProtoBytes.self, fBytes, field: 15)
        n += ProtoSize.nonDefault(ProtoEnumType<Wiretest_Color>.self, fColor, field: 16)
        n += ProtoSize.ifPresent(ProtoMessageType<Wiretest_Nested>.self, fNested, field: 17)
        n += ProtoSize.ifPresent(ProtoInt32.self, oInt32, field: 21)
        n += ProtoSize.ifPresent(ProtoInt64.self, oInt64, field: 22)
        n += ProtoSize.ifPresent(ProtoUInt32.self, oUint32, field: 23)
        n += ProtoSize.ifPresent(ProtoUInt64.self, oUint64, field: 24)
        n += ProtoSize.ifPresent(ProtoSInt32.self, oSint32, field: 25)
        n += ProtoSize.ifPresent(ProtoSInt64.self, oSint64, field: 26)
        n += ProtoSize.ifPresent(ProtoFixed32.self, oFixed32, field: 27)
        n += ProtoSize.ifPresent(ProtoFixed64.self, oFixed64, field: 28)
        n += ProtoSize.ifPresent(ProtoSFixed32.self, oSfixed32, field: 29)
        n += ProtoSize.ifPresent(ProtoSFixed64.self, oSfixed64, field: 30)
        n += ProtoSize.ifPresent(ProtoFloat.self, oFloat, field: 31)
        n += ProtoSize.ifPresent(ProtoDouble.self, oDouble, field: 32)
        n += ProtoSize.ifPresent(ProtoBool.self, oBool, field: 33)
        n += ProtoSize.ifPresent(ProtoString.self, oString, field: 34)
        n += ProtoSize.ifPresent(ProtoBytes.self, oBytes, field: 35)
        n += ProtoSize.ifPresent(ProtoEnumType<Wiretest_Color>.self, oColor, field: 36)
        n += ProtoSize.ifPresent(ProtoMessageType<Wiretest_Nested>.self, oNested, field: 37)
        n += ProtoSize.packed(ProtoInt32.self, rInt32, field: 41)
        n += ProtoSize.packed(ProtoInt64.self, rInt64, field: 42)
        n += ProtoSize.packed(ProtoUInt32.self, rUint32, field: 43)
        n += ProtoSize.packed(ProtoUInt64.self, rUint64, field: 44)
        n += ProtoSize.packed(ProtoSInt32.self, rSint32, field: 45)
        n += ProtoSize.packed(ProtoSInt64.self, rSint64, field: 46)
        n += ProtoSize.packed(ProtoFixed32.self, rFixed32, field: 47)
        n += ProtoSize.packed(ProtoFixed64.self, rFixed64, field: 48)
        n += ProtoSize.packed(ProtoSFixed32.self, rSfixed32, field: 49)
        n += ProtoSize.packed(ProtoSFixed64.self, rSfixed64, field: 50)
        n += ProtoSize.packed(ProtoFloat.self, rFloat, field: 51)
        n += ProtoSize.packed(ProtoDouble.self, rDouble, field: 52)
        n += ProtoSize.packed(ProtoBool.self, rBool, field: 53)
        n += ProtoSize.packed(ProtoEnumType<Wiretest_Color>.self, rColor, field: 54)
        n += ProtoSize.repeated(ProtoInt32.self, uInt32, field: 61)
        n += ProtoSize.repeated(ProtoInt64.self, uInt64, field: 62)
        n += ProtoSize.repeated(ProtoUInt32.self, uUint32, field: 63)
        n += ProtoSize.repeated(ProtoUInt64.self, uUint64, field: 64)
        n += ProtoSize.repeated(ProtoSInt32.self, uSint32, field: 65)
        n += ProtoSize.repeated(ProtoSInt64.self, uSint64, field: 66)
        n += ProtoSize.repeated(ProtoFixed32.self, uFixed32, field: 67)
        n += ProtoSize.repeated(ProtoFixed64.self, uFixed64, field: 68)
        n += ProtoSize.repeated(ProtoSFixed32.self, uSfixed32, field: 69)
        n += ProtoSize.repeated(ProtoSFixed64.self, uSfixed64, field: 70)
        n += ProtoSize.repeated(ProtoFloat.self, uFloat, field: 71)
        n += ProtoSize.repeated(ProtoDouble.self, uDouble, field: 72)
        n += ProtoSize.repeated(ProtoBool.self, uBool, field: 73)
        n += ProtoSize.repeated(ProtoEnumType<Wiretest_Color>.self, uColor, field: 74)
        n += ProtoSize.repeated(ProtoString.self, rString, field: 81)
        n += ProtoSize.repeated(ProtoBytes.self, rBytes, field: 82)
        n += ProtoSize.repeated(ProtoMessageType<Wiretest_Nested>.self, rNested, field: 83)
        n += ProtoSize.map(ProtoInt32.self, ProtoInt32.self, mInt32Int32, field: 101)
        n += ProtoSize.map(ProtoInt64.self, ProtoString.self, mInt64String, field: 102)
        n += ProtoSize.map(ProtoUInt32.self, ProtoBytes.self, mUint32Bytes, field: 103)
        n += ProtoSize.map(ProtoUInt64.self, ProtoMessageType<Wiretest_Nested>.self, mUint64Nested, field: 104)
        n += ProtoSize.map(ProtoSInt32.self, ProtoEnumType<Wiretest_Color>.self, mSint32Color, field: 105)
        n += ProtoSize.map(ProtoSInt64.self, ProtoDouble.self, mSint64Double, field: 106)
        n += ProtoSize.map(ProtoFixed32.self, ProtoFloat.self, mFixed32Float, field: 107)
        n += ProtoSize.map(ProtoFixed64.self, ProtoBool.self, mFixed64Bool, field: 108)
        n += ProtoSize.map(ProtoSFixed32.self, ProtoSFixed64.self, mSfixed32Sfixed64, field: 109)
        n += ProtoSize.map(ProtoBool.self, ProtoString.self, mBoolString, field: 110)
        n += ProtoSize.map(ProtoString.self, ProtoMessageType<Wiretest_Nested>.self, mStringNested, field: 111)
        n += ProtoSize.map(ProtoString.self, ProtoString.self, mStringString, field: 112)
        switch choice {
        case .cUint32(let v)?: n += ProtoSize.field(ProtoUInt32.self, v, field: 121)
        case .cString(let v)?: n += ProtoSize.field(ProtoString.self, v, field: 122)
        case .cNested(let v)?: n += ProtoSize.field(ProtoMessageType<Wiretest_Nested>.self, v, field: 123)
        case .cBytes(let v)?: n += ProtoSize.field(ProtoBytes.self, v, field: 124)
        case .cEnum(let v)?: n += ProtoSize.field(ProtoEnumType<Wiretest_Color>.self, v, field: 125)
        case nil: break
        }
        n += ProtoSize.nonDefault(ProtoInt32.self, fMaxField, field: 536_870_911)
        return n + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt32.self, fInt32, field: 1)
        writer.writeNonDefault(ProtoInt64.self, fInt64, field: 2)
        writer.writeNonDefault(ProtoUInt32.self, fUint32, field: 3)
        writer.writeNonDefault(ProtoUInt64.self, fUint64, field: 4)
        writer.writeNonDefault(ProtoSInt32.self, fSint32, field: 5)
        writer.writeNonDefault(ProtoSInt64.self, fSint64, field: 6)
        writer.writeNonDefault(ProtoFixed32.self, fFixed32, field: 7)
        writer.writeNonDefault(ProtoFixed64.self, fFixed64, field: 8)
        writer.writeNonDefault(ProtoSFixed32.self, fSfixed32, field: 9)
        writer.writeNonDefault(ProtoSFixed64.self, fSfixed64, field: 10)
        writer.writeNonDefault(ProtoFloat.self, fFloat, field: 11)
        writer.writeNonDefault(ProtoDouble.self, fDouble, field: 12)
        writer.writeNonDefault(ProtoBool.self, fBool, field: 13)
        writer.writeNonDefault(ProtoString.self, fString, field: 14)
        writer.writeNonDefault(ProtoBytes.self, fBytes, field: 15)
        writer.writeNonDefault(ProtoEnumType<Wiretest_Color>.self, fColor, field: 16)
        writer.writeIfPresent(ProtoMessageType<Wiretest_Nested>.self, fNested, field: 17)
        writer.writeIfPresent(ProtoInt32.self, oInt32, field: 21)
        writer.writeIfPresent(ProtoInt64.self, oInt64, field: 22)
        writer.writeIfPresent(ProtoUInt32.self, oUint32, field: 23)
        writer.writeIfPresent(ProtoUInt64.self, oUint64, field: 24)
        writer.writeIfPresent(ProtoSInt32.self, oSint32, field: 25)
        writer.writeIfPresent(ProtoSInt64.self, oSint64, field: 26)
        writer.writeIfPresent(ProtoFixed32.self, oFixed32, field: 27)
        writer.writeIfPresent(ProtoFixed64.self, oFixed64, field: 28)
        writer.writeIfPresent(ProtoSFixed32.self, oSfixed32, field: 29)
        writer.writeIfPresent(ProtoSFixed64.self, oSfixed64, field: 30)
        writer.writeIfPresent(ProtoFloat.self, oFloat, field: 31)
        writer.writeIfPresent(ProtoDouble.self, oDouble, field: 32)
        writer.writeIfPresent(ProtoBool.self, oBool, field: 33)
        writer.writeIfPresent(ProtoString.self, oString, field: 34)
        writer.writeIfPresent(ProtoBytes.self, oBytes, field: 35)
        writer.writeIfPresent(ProtoEnumType<Wiretest_Color>.self, oColor, field: 36)
        writer.writeIfPresent(ProtoMessageType<Wiretest_Nested>.self, oNested, field: 37)
        writer.writePacked(ProtoInt32.self, rInt32, field: 41)
        writer.writePacked(ProtoInt64.self, rInt64, field: 42)
        writer.writePacked(ProtoUInt32.self, rUint32, field: 43)
        writer.writePacked(ProtoUInt64.self, rUint64, field: 44)
        writer.writePacked(ProtoSInt32.self, rSint32, field: 45)
        writer.writePacked(ProtoSInt64.self, rSint64, field: 46)
        writer.writePacked(ProtoFixed32.self, rFixed32, field: 47)
        writer.writePacked(ProtoFixed64.self, rFixed64, field: 48)
        writer.writePacked(ProtoSFixed32.self, rSfixed32, field: 49)
        writer.writePacked(ProtoSFixed64.self, rSfixed64, field: 50)
        writer.writePacked(ProtoFloat.self, rFloat, field: 51)
        writer.writePacked(ProtoDouble.self, rDouble, field: 52)
        writer.writePacked(ProtoBool.self, rBool, field: 53)
        writer.writePacked(ProtoEnumType<Wiretest_Color>.self, rColor, field: 54)
        writer.writeRepeated(ProtoInt32.self, uInt32, field: 61)
        writer.writeRepeated(ProtoInt64.self, uInt64, field: 62)
        writer.writeRepeated(ProtoUInt32.self, uUint32, field: 63)
        writer.writeRepeated(ProtoUInt64.self, uUint64, field: 64)
        writer.writeRepeated(ProtoSInt32.self, uSint32, field: 65)
        writer.writeRepeated(ProtoSInt64.self, uSint64, field: 66)
        writer.writeRepeated(ProtoFixed32.self, uFixed32, field: 67)
        writer.writeRepeated(ProtoFixed64.self, uFixed64, field: 68)
        writer.writeRepeated(ProtoSFixed32.self, uSfixed32, field: 69)
        writer.writeRepeated(ProtoSFixed64.self, uSfixed64, field: 70)
        writer.writeRepeated(ProtoFloat.self, uFloat, field: 71)
        writer.writeRepeated(ProtoDouble.self, uDouble, field: 72)
        writer.writeRepeated(ProtoBool.self, uBool, field: 73)
        writer.writeRepeated(ProtoEnumType<Wiretest_Color>.self, uColor, field: 74)
        writer.writeRepeated(ProtoString.self, rString, field: 81)
        writer.writeRepeated(ProtoBytes.self, rBytes, field: 82)
        writer.writeRepeated(ProtoMessageType<Wiretest_Nested>.self, rNested, field: 83)
        writer.writeMap(ProtoInt32.self, ProtoInt32.self, mInt32Int32, field: 101)
        writer.writeMap(ProtoInt64.self, ProtoString.self, mInt64String, field: 102)
        writer.writeMap(ProtoUInt32.self, ProtoBytes.self, mUint32Bytes, field: 103)
        writer.writeMap(ProtoUInt64.self, ProtoMessageType<Wiretest_Nested>.self, mUint64Nested, field: 104)
        writer.writeMap(ProtoSInt32.self, ProtoEnumType<Wiretest_Color>.self, mSint32Color, field: 105)
        writer.writeMap(ProtoSInt64.self, ProtoDouble.self, mSint64Double, field: 106)
        writer.writeMap(ProtoFixed32.self, ProtoFloat.self, mFixed32Float, field: 107)
        writer.writeMap(ProtoFixed64.self, ProtoBool.self, mFixed64Bool, field: 108)
        writer.writeMap(ProtoSFixed32.self, ProtoSFixed64.self, mSfixed32Sfixed64, field: 109)
        writer.writeMap(ProtoBool.self, ProtoString.self, mBoolString, field: 110)
        writer.writeMap(ProtoString.self, ProtoMessageType<Wiretest_Nested>.self, mStringNested, field: 111)
        writer.writeMap(ProtoString.self, ProtoString.self, mStringString, field: 112)
        switch choice {
        case .cUint32(let v)?: writer.write(ProtoUInt32.self, v, field: 121)
        case .cString(let v)?: writer.write(ProtoString.self, v, field: 122)
        case .cNested(let v)?: writer.write(ProtoMessageType<Wiretest_Nested>.self, v, field: 123)
        case .cBytes(let v)?: writer.write(ProtoBytes.self, v, field: 124)
        case .cEnum(let v)?: writer.write(ProtoEnumType<Wiretest_Color>.self, v, field: 125)
        case nil: break
        }
        writer.writeNonDefault(ProtoInt32.self, fMaxField, field: 536_870_911)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt32.self, field, into: &fInt32)
            case 2: try reader.read(ProtoInt64.self, field, into: &fInt64)
            case 3: try reader.read(ProtoUInt32.self, field, into: &fUint32)
            case 4: try reader.read(ProtoUInt64.self, field, into: &fUint64)
            case 5: try reader.read(ProtoSInt32.self, field, into: &fSint32)
            case 6: try reader.read(ProtoSInt64.self, field, into: &fSint64)
            case 7: try reader.read(ProtoFixed32.self, field, into: &fFixed32)
            case 8: try reader.read(ProtoFixed64.self, field, into: &fFixed64)
            case 9: try reader.read(ProtoSFixed32.self, field, into: &fSfixed32)
            case 10: try reader.read(ProtoSFixed64.self, field, into: &fSfixed64)
            case 11: try reader.read(ProtoFloat.self, field, into: &fFloat)
            case 12: try reader.read(ProtoDouble.self, field, into: &fDouble)
            case 13: try reader.read(ProtoBool.self, field, into: &fBool)
            case 14: try reader.read(ProtoString.self, field, into: &fString)
            case 15: try reader.read(ProtoBytes.self, field, into: &fBytes)
            case 16: try reader.read(ProtoEnumType<Wiretest_Color>.self, field, into: &fColor)
            case 17: try reader.read(ProtoMessageType<Wiretest_Nested>.self, field, into: &fNested)
            case 21: try reader.read(ProtoInt32.self, field, into: &oInt32)
            case 22: try reader.read(ProtoInt64.self, field, into: &oInt64)
            case 23: try reader.read(ProtoUInt32.self, field, into: &oUint32)
            case 24: try reader.read(ProtoUInt64.self, field, into: &oUint64)
            case 25: try reader.read(ProtoSInt32.self, field, into: &oSint32)
            case 26: try reader.read(ProtoSInt64.self, field, into: &oSint64)
            case 27: try reader.read(ProtoFixed32.self, field, into: &oFixed32)
            case 28: try reader.read(ProtoFixed64.self, field, into: &oFixed64)
            case 29: try reader.read(ProtoSFixed32.self, field, into: &oSfixed32)
            case 30: try reader.read(ProtoSFixed64.self, field, into: &oSfixed64)
            case 31: try reader.read(ProtoFloat.self, field, into: &oFloat)
            case 32: try reader.read(ProtoDouble.self, field, into: &oDouble)
            case 33: try reader.read(ProtoBool.self, field, into: &oBool)
            case 34: try reader.read(ProtoString.self, field, into: &oString)
            case 35: try reader.read(ProtoBytes.self, field, into: &oBytes)
            case 36: try reader.read(ProtoEnumType<Wiretest_Color>.self, field, into: &oColor)
            case 37: try reader.read(ProtoMessageType<Wiretest_Nested>.self, field, into: &oNested)
            case 41: try reader.readRepeated(ProtoInt32.self, field, into: &rInt32)
            case 42: try reader.readRepeated(ProtoInt64.self, field, into: &rInt64)
            case 43: try reader.readRepeated(ProtoUInt32.self, field, into: &rUint32)
            case 44: try reader.readRepeated(ProtoUInt64.self, field, into: &rUint64)
            case 45: try reader.readRepeated(ProtoSInt32.self, field, into: &rSint32)
            case 46: try reader.readRepeated(ProtoSInt64.self, field, into: &rSint64)
            case 47: try reader.readRepeated(ProtoFixed32.self, field, into: &rFixed32)
            case 48: try reader.readRepeated(ProtoFixed64.self, field, into: &rFixed64)
            case 49: try reader.readRepeated(ProtoSFixed32.self, field, into: &rSfixed32)
            case 50: try reader.readRepeated(ProtoSFixed64.self, field, into: &rSfixed64)
            case 51: try reader.readRepeated(ProtoFloat.self, field, into: &rFloat)
            case 52: try reader.readRepeated(ProtoDouble.self, field, into: &rDouble)
            case 53: try reader.readRepeated(ProtoBool.self, field, into: &rBool)
            case 54: try reader.readRepeated(ProtoEnumType<Wiretest_Color>.self, field, into: &rColor)
            case 61: try reader.readRepeated(ProtoInt32.self, field, into: &uInt32)
            case 62: try reader.readRepeated(ProtoInt64.self, field, into: &uInt64)
            case 63: try reader.readRepeated(ProtoUInt32.self, field, into: &uUint32)
            case 64: try reader.readRepeated(ProtoUInt64.self, field, into: &uUint64)
            case 65: try reader.readRepeated(ProtoSInt32.self, field, into: &uSint32)
            case 66: try reader.readRepeated(ProtoSInt64.self, field, into: &uSint64)
            case 67: try reader.readRepeated(ProtoFixed32.self, field, into: &uFixed32)
            case 68: try reader.readRepeated(ProtoFixed64.self, field, into: &uFixed64)
            case 69: try reader.readRepeated(ProtoSFixed32.self, field, into: &uSfixed32)
            case 70: try reader.readRepeated(ProtoSFixed64.self, field, into: &uSfixed64)
            case 71: try reader.readRepeated(ProtoFloat.self, field, into: &uFloat)
            case 72: try reader.readRepeated(ProtoDouble.self, field, into: &uDouble)
            case 73: try reader.readRepeated(ProtoBool.self, field, into: &uBool)
            case 74: try reader.readRepeated(ProtoEnumType<Wiretest_Color>.self, field, into: &uColor)
            case 81: try reader.readRepeated(ProtoString.self, field, into: &rString)
            case 82: try reader.readRepeated(ProtoBytes.self, field, into: &rBytes)
            case 83: try reader.readRepeated(ProtoMessageType<Wiretest_Nested>.self, field, into: &rNested)
            case 101: try reader.readMap(ProtoInt32.self, ProtoInt32.self, field, into: &mInt32Int32)
            case 102: try reader.readMap(ProtoInt64.self, ProtoString.self, field, into: &mInt64String)
            case 103: try reader.readMap(ProtoUInt32.self, ProtoBytes.self, field, into: &mUint32Bytes)
            case 104:
                try reader.readMap(
                    ProtoUInt64.self, ProtoMessageType<Wiretest_Nested>.self, field, into: &mUint64Nested)
            case 105:
                try reader.readMap(ProtoSInt32.self, ProtoEnumType<Wiretest_Color>.self, field, into: &mSint32Color)
            case 106: try reader.readMap(ProtoSInt64.self, ProtoDouble.self, field, into: &mSint64Double)
            case 107: try reader.readMap(ProtoFixed32.self, ProtoFloat.self, field, into: &mFixed32Float)
            case 108: try reader.readMap(ProtoFixed64.self, ProtoBool.self, field, into: &mFixed64Bool)
            case 109: try reader.readMap(ProtoSFixed32.self, ProtoSFixed64.self, field, into: &mSfixed32Sfixed64)
            case 110: try reader.readMap(ProtoBool.self, ProtoString.self, field, into: &mBoolString)
            case 111:
                try reader.readMap(
                    ProtoString.self, ProtoMessageType<Wiretest_Nested>.self, field, into: &mStringNested)
            case 112: try reader.readMap(ProtoString.self, ProtoString.self, field, into: &mStringString)
            case 536_870_911: try reader.read(ProtoInt32.self, field, into: &fMaxField)
            case 121: try reader.read(ProtoUInt32.self, field, into: &choice, as: OneOf_Choice.cUint32)
            case 122: try reader.read(ProtoString.self, field, into: &choice, as: OneOf_Choice.cString)
            case 123:
                try reader.read(ProtoMessageType<Wiretest_Nested>.self, field, into: &choice, as: OneOf_Choice.cNested)
                {
                    if case .cNested(let v) = $0 { v } else { nil }
                }
            case 124: try reader.read(ProtoBytes.self, field, into: &choice, as: OneOf_Choice.cBytes)
            case 125: try reader.read(ProtoEnumType<Wiretest_Color>.self, field, into: &choice, as: OneOf_Choice.cEnum)
            default: break
            }
        }
    }
}

struct Wiretest_Cases: ProtoMessage {
    var cases: [Wiretest_TestAll] = []
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.repeated(ProtoMessageType<Wiretest_TestAll>.self, cases, field: 1) + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeRepeated(ProtoMessageType<Wiretest_TestAll>.self, cases, field: 1)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            if field.number == 1 {
                try reader.readRepeated(ProtoMessageType<Wiretest_TestAll>.self, field, into: &cases)
            }
        }
    }
}

struct Wiretest_Narrow: ProtoMessage {
    var fInt32: Int32 = 0
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoInt32.self, fInt32, field: 1) + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt32.self, fInt32, field: 1)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            if field.number == 1 { try reader.read(ProtoInt32.self, field, into: &fInt32) }
        }
    }
}
