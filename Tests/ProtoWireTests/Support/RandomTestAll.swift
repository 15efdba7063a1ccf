// Random TestAll values for the round-trip property test (NaN excluded: it is never equal to itself).
import ProtoWire

extension Wiretest_TestAll {
    static func random(using g: inout some RandomNumberGenerator, depth: Int = 0) -> Wiretest_TestAll {
        var m = Wiretest_TestAll()
        if Bool.random(using: &g) { m.fInt32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fInt64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fUint32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fUint64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fSint32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fSint64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fFixed32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fFixed64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fSfixed32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fSfixed64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fFloat = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fDouble = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fBool = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fString = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fBytes = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fColor = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.fNested = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oInt32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oInt64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oUint32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oUint64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oSint32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oSint64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oFixed32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oFixed64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oSfixed32 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oSfixed64 = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oFloat = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oDouble = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oBool = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oString = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oBytes = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oColor = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.oNested = Gen.value(using: &g) }
        if Bool.random(using: &g) { m.rInt32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rInt64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rUint32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rUint64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rSint32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rSint64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rFixed32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rFixed64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rSfixed32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rSfixed64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rFloat = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rDouble = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rBool = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rColor = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uInt32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uInt64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uUint32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uUint64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uSint32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uSint64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uFixed32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uFixed64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uSfixed32 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uSfixed64 = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uFloat = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uDouble = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uBool = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.uColor = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rString = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rBytes = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.rNested = Gen.array(using: &g) }
        if Bool.random(using: &g) { m.mInt32Int32 = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mInt64String = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mUint32Bytes = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mUint64Nested = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mSint32Color = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mSint64Double = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mFixed32Float = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mFixed64Bool = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mSfixed32Sfixed64 = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mBoolString = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mStringNested = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.mStringString = Gen.map(using: &g) }
        if Bool.random(using: &g) { m.fMaxField = Gen.value(using: &g) }
        switch Int.random(in: 0..<6, using: &g) {
        case 0: m.choice = .cUint32(Gen.value(using: &g))
        case 1: m.choice = .cString(Gen.value(using: &g))
        case 2: m.choice = .cNested(Gen.value(using: &g))
        case 3: m.choice = .cBytes(Gen.value(using: &g))
        case 4: m.choice = .cEnum(Gen.value(using: &g))
        default: break
        }
        return m
    }
}
