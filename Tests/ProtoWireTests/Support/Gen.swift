// Random values biased toward the edges (0, −1, min, max, ±inf, −0, empty, non-ASCII).

protocol RandomValue: Hashable {
    static func random(gen g: inout some RandomNumberGenerator) -> Self
}

enum Gen {
    static func value<T: RandomValue>(using g: inout some RandomNumberGenerator) -> T {
        T.random(gen: &g)
    }

    static func array<T: RandomValue>(using g: inout some RandomNumberGenerator) -> [T] {
        (0..<Int.random(in: 0...5, using: &g)).map { _ in T.random(gen: &g) }
    }

    static func map<K: RandomValue, V: RandomValue>(using g: inout some RandomNumberGenerator) -> [K: V] {
        var m: [K: V] = [:]
        for _ in 0..<Int.random(in: 0...4, using: &g) { m[K.random(gen: &g)] = V.random(gen: &g) }
        return m
    }

    static func integer<T: FixedWidthInteger>(_: T.Type, using g: inout some RandomNumberGenerator) -> T {
        switch Int.random(in: 0..<8, using: &g) {
        case 0: return 0
        case 1: return T.min
        case 2: return T.max
        case 3: return T.isSigned ? -1 : 1
        case 4: return T(truncatingIfNeeded: Int.random(in: -300...300, using: &g))
        default: return T(truncatingIfNeeded: g.next())
        }
    }
}

extension Int32: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Int32 { Gen.integer(Int32.self, using: &g) }
}
extension Int64: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Int64 { Gen.integer(Int64.self, using: &g) }
}
extension UInt32: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> UInt32 { Gen.integer(UInt32.self, using: &g) }
}
extension UInt64: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> UInt64 { Gen.integer(UInt64.self, using: &g) }
}
extension Bool: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Bool { Bool.random(using: &g) }
}

extension Float: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Float {
        let edges: [Float] = [0, -0.0, 1, -1, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        if Bool.random(using: &g) { return edges.randomElement(using: &g)! }
        let f = Float(bitPattern: UInt32(truncatingIfNeeded: g.next()))
        return f.isNaN ? 0.5 : f
    }
}

extension Double: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Double {
        let edges: [Double] = [0, -0.0, 1, -1, .infinity, -.infinity, .greatestFiniteMagnitude, .leastNonzeroMagnitude]
        if Bool.random(using: &g) { return edges.randomElement(using: &g)! }
        let d = Double(bitPattern: g.next())
        return d.isNaN ? 0.25 : d
    }
}

extension String: RandomValue {
    // No combining marks: Swift compares strings by canonical equivalence, protobuf by bytes.
    static let pieces = ["a", "Z", "0", " ", "\u{0}", "\u{7F}", "é", "ß", "中", "🎉", "\"", "\\", "\n"]
    static func random(gen g: inout some RandomNumberGenerator) -> String {
        let n = [0, 1, 3, 20, 200].randomElement(using: &g)!
        return (0..<n).map { _ in pieces.randomElement(using: &g)! }.joined()
    }
}

extension Array: RandomValue where Element == UInt8 {
    static func random(gen g: inout some RandomNumberGenerator) -> [UInt8] {
        let n = [0, 1, 5, 300].randomElement(using: &g)!
        return (0..<n).map { _ in UInt8.random(in: 0...255, using: &g) }
    }
}

extension Wiretest_Color: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Wiretest_Color {
        // Unknown numbers included: open enums keep them.
        let raws: [Int32] = [0, 1, 2, 3, -1, 77, Int32.min, Int32.max]
        return Wiretest_Color(rawValue: raws.randomElement(using: &g)!)
    }
}

extension Wiretest_Nested: RandomValue {
    static func random(gen g: inout some RandomNumberGenerator) -> Wiretest_Nested {
        random(gen: &g, depth: 0)
    }

    static func random(gen g: inout some RandomNumberGenerator, depth: Int) -> Wiretest_Nested {
        var n = Wiretest_Nested()
        if Bool.random(using: &g) { n.a = Gen.value(using: &g) }
        if Bool.random(using: &g) { n.b = Gen.value(using: &g) }
        if depth < 3 && Int.random(in: 0..<3, using: &g) == 0 { n.child = random(gen: &g, depth: depth + 1) }
        if Bool.random(using: &g) { n.r = Gen.array(using: &g) }
        return n
    }
}

/// A small seeded generator (SplitMix64) so that a failing seed can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
