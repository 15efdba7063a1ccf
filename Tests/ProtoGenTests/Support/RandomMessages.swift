/// Deterministic random values (SplitMix64) and random instances of the rich test messages, for the
/// Swift → python direction of the round-trip tests.
struct SeededRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func chance(_ p: Double) -> Bool { Double(next() % 10_000) / 10_000 < p }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func pick<T>(_ values: [T]) -> T { values[below(values.count)] }

    mutating func int32() -> Int32 {
        chance(0.5) ? pick([0, 1, -1, 127, 128, .max, .min]) : Int32(truncatingIfNeeded: next() >> UInt64(below(40)))
    }
    mutating func int64() -> Int64 {
        chance(0.5) ? pick([0, 1, -1, 300, .max, .min]) : Int64(bitPattern: next() >> UInt64(below(60)))
    }
    mutating func uint32() -> UInt32 {
        chance(0.5) ? pick([0, 1, 127, 128, .max]) : UInt32(truncatingIfNeeded: next() >> UInt64(below(40)))
    }
    mutating func uint64() -> UInt64 { chance(0.5) ? pick([0, 1, .max, 1 << 63]) : next() >> UInt64(below(60)) }
    mutating func float() -> Float { pick([0, -0.0, 1.5, .infinity, -.infinity, 3.4e38, Float(int32()) / 7]) }
    mutating func double() -> Double {
        pick([0, -0.0, 1e-300, 2.5, .infinity, -.infinity, .greatestFiniteMagnitude, Double(int64()) / 3])
    }
    mutating func bool() -> Bool { chance(0.5) }
    mutating func string() -> String {
        String(
            (0..<below(10)).map { _ in
                pick(["a", "z", " ", "é", "ß", "中", "\u{0}", "😀", "\n", "\"", "\\"] as [Character])
            })
    }
    mutating func bytes() -> [UInt8] { (0..<below(10)).map { _ in UInt8(truncatingIfNeeded: next()) } }
    mutating func list<T>(_ make: (inout SeededRandom) -> T) -> [T] { (0..<below(5)).map { _ in make(&self) } }
    mutating func maybe<T>(_ make: (inout SeededRandom) -> T) -> T? { chance(0.6) ? make(&self) : nil }
    mutating func color() -> Rich_V3_Color {
        chance(0.2)
            ? Rich_V3_Color(rawValue: pick([99, 12345, -5, .max])) : pick([.unspecified, .red, .green, .negative])
    }
    mutating func dictionary<K: Hashable, V>(
        _ key: (inout SeededRandom) -> K, _ value: (inout SeededRandom) -> V
    ) -> [K: V] {
        var result: [K: V] = [:]
        for _ in 0..<below(4) { result[key(&self)] = value(&self) }
        return result
    }
}

enum RandomMessages {
    static func nested(_ r: inout SeededRandom, depth: Int) -> Rich_V3_Rich.Nested {
        .with {
            $0.a = r.int32()
            $0.s = r.string()
            if depth < 3 {
                $0.child = r.maybe { nested(&$0, depth: depth + 1) }
                $0.children = r.list { nested(&$0, depth: depth + 2) }
            }
        }
    }

    static func rich3(_ r: inout SeededRandom, depth: Int = 0) -> Rich_V3_Rich {
        var m = Rich_V3_Rich()
        m.fDouble = r.double(); m.fFloat = r.float(); m.fInt64 = r.int64(); m.fUint64 = r.uint64()
        m.fInt32 = r.int32(); m.fFixed64 = r.uint64(); m.fFixed32 = r.uint32(); m.fBool = r.bool()
        m.fString = r.string(); m.fBytes = r.bytes(); m.fUint32 = r.uint32(); m.fSfixed32 = r.int32()
        m.fSfixed64 = r.int64(); m.fSint32 = r.int32(); m.fSint64 = r.int64()
        m.oDouble = r.maybe { $0.double() }; m.oFloat = r.maybe { $0.float() }; m.oInt64 = r.maybe { $0.int64() }
        m.oUint64 = r.maybe { $0.uint64() }; m.oInt32 = r.maybe { $0.int32() }; m.oFixed64 = r.maybe { $0.uint64() }
        m.oFixed32 = r.maybe { $0.uint32() }; m.oBool = r.maybe { $0.bool() }; m.oString = r.maybe { $0.string() }
        m.oBytes = r.maybe { $0.bytes() }; m.oUint32 = r.maybe { $0.uint32() }; m.oSfixed32 = r.maybe { $0.int32() }
        m.oSfixed64 = r.maybe { $0.int64() }; m.oSint32 = r.maybe { $0.int32() }; m.oSint64 = r.maybe { $0.int64() }
        m.rDouble = r.list { $0.double() }; m.rFloat = r.list { $0.float() }; m.rInt64 = r.list { $0.int64() }
        m.rUint64 = r.list { $0.uint64() }; m.rInt32 = r.list { $0.int32() }; m.rFixed64 = r.list { $0.uint64() }
        m.rFixed32 = r.list { $0.uint32() }; m.rBool = r.list { $0.bool() }; m.rString = r.list { $0.string() }
        m.rBytes = r.list { $0.bytes() }; m.rUint32 = r.list { $0.uint32() }; m.rSfixed32 = r.list { $0.int32() }
        m.rSfixed64 = r.list { $0.int64() }; m.rSint32 = r.list { $0.int32() }; m.rSint64 = r.list { $0.int64() }
        m.rUnpacked = r.list { $0.int32() }
        m.color = r.color(); m.oColor = r.maybe { $0.color() }; m.colors = r.list { $0.color() }
        m.mode = r.pick([.off, .on, .unrecognized(7)])
        m.nested = r.maybe { nested(&$0, depth: depth) }
        m.nesteds = r.list { nested(&$0, depth: depth + 1) }
        m.mStringString = r.dictionary({ $0.string() }, { $0.string() })
        m.mInt32Nested = r.dictionary({ $0.int32() }, { nested(&$0, depth: depth + 1) })
        m.mUint64Color = r.dictionary({ $0.uint64() }, { $0.color() })
        m.mBoolBytes = r.dictionary({ $0.bool() }, { $0.bytes() })
        m.mSint64Double = r.dictionary({ $0.int64() }, { $0.double() })
        m.mFixed32String = r.dictionary({ $0.uint32() }, { $0.string() })
        if depth < 2 { m.mStringRich = r.dictionary({ $0.string() }, { rich3(&$0, depth: depth + 1) }) }
        m.mSfixed64Float = r.dictionary({ $0.int64() }, { $0.float() })
        switch r.below(6) {
        case 0: m.choice = .cString(r.string())
        case 1: m.choice = .cInt64(r.int64())
        case 2: m.choice = .cNested(nested(&r, depth: depth + 1))
        case 3: m.choice = .cColor(r.color())
        case 4: m.choice = .cBytes(r.bytes())
        default: m.choice = nil
        }
        m.when = r.maybe { r in
            .with {
                $0.seconds = r.int64(); $0.nanos = r.int32()
            }
        }
        m.maybeInt = r.maybe { r in .with { $0.value = r.int32() } }
        m.shared = r.maybe { r in
            .with {
                $0.label = r.string(); $0.values = r.list { $0.int64() }
            }
        }
        if depth < 2 { m.recursive = r.maybe { rich3(&$0, depth: depth + 1) } }
        m.spread = r.pick([nil, .sLow(r.int32()), .sHigh(r.string())])
        m.between = r.int32()
        m.maxNumber = r.int32()
        return m
    }

    static func rich2(_ r: inout SeededRandom) -> Rich_V2_Rich2 {
        var m = Rich_V2_Rich2()
        if let v = r.maybe({ $0.int32() }) { m.i32 = v }
        m.name = r.string()
        if let v = r.maybe({ $0.bytes() }) { m.data = v }
        if let v = r.maybe({ $0.double() }) { m.d = v }
        m.unpacked = r.list { $0.int32() }
        m.packed = r.list { $0.int64() }
        if let v = r.maybe({ $0.pick([Rich_V2_Kind.a, .b, .c]) }) { m.kind = v }
        m.kinds = r.list { $0.pick([.a, .b, .c]) }
        m.inner = r.maybe { r in
            .with {
                $0.x = r.maybe { $0.uint32() }; $0.tags = r.list { $0.string() }
            }
        }
        m.inners = r.dictionary({ $0.string() }, { r in .with { $0.x = r.maybe { $0.uint32() } } })
        m.pick = r.pick([nil, .pInt(r.int32()), .pStr(r.string())])
        m.shared = r.maybe { r in .with { $0.label = r.string() } }
        m.big = r.maybe { $0.int64() }
        if let v = r.maybe({ $0.string() }) { m.escaped = v }
        return m
    }

    static func legacy2(_ r: inout SeededRandom, depth: Int = 0) -> Legacy_V2_Legacy {
        var m = Legacy_V2_Legacy()
        m.id = r.maybe { $0.int32() }
        m.point = r.maybe { r in
            .with {
                $0.x = r.maybe { $0.int32() }
                $0.y = r.maybe { $0.int32() }
                $0.label = r.maybe { r in
                    .with {
                        $0.text = r.maybe { $0.string() }; $0.level = r.maybe { $0.level() }
                    }
                }
            }
        }
        m.entry = r.list { r in
            .with {
                $0.key = r.maybe { $0.string() }; $0.values = r.list { $0.uint64() }
            }
        }
        m.choice = r.pick([
            nil, .pick(.with { $0.n = r.maybe { $0.int32() } }), .word(r.string()), .pickLevel(r.level()),
        ])
        m.level = r.maybe { $0.level() }
        if let v = r.maybe({ $0.level() }) { m.levelHigh = v }
        m.levels = r.list { $0.level() }
        m.packedLevels = r.list { $0.level() }
        m.shades = r.dictionary({ $0.int32() }, { $0.pick([.none, .dark]) })
        if depth < 2 { m.child = r.maybe { legacy2(&$0, depth: depth + 1) } }
        m.tail = r.maybe { $0.bytes() }
        return m
    }
}

extension SeededRandom {
    mutating func level() -> Legacy_V2_Level { pick([.low, .mid, .high]) }
}
