/// protoc's text for a floating-point default in a descriptor: C's `%.15g` for doubles and `%.6g`
/// for floats (`-1e10` → `-1e+10` for a float, `-10000000000` for a double), built from Swift's
/// shortest round-trip digits. When those need more digits, protoc prints `%.9g` (floats: here the
/// float's exact value rounded to 9 digits) or `%.17g` (doubles: here the shortest digits, which
/// can differ from protoc's in the last place).
enum DefaultFloatText {
    static func text(_ value: Double, isFloat: Bool) -> String {
        if value.isNaN { return "nan" }
        if value.isInfinite { return value < 0 ? "-inf" : "inf" }
        if value == 0 { return value.sign == .minus ? "-0" : "0" }
        let shortest = isFloat ? Float(value).description : value.description
        guard var (negative, digits, exponent) = decompose(shortest) else { return shortest }
        var precision = isFloat ? 6 : 15
        if digits.count > precision {
            precision = isFloat ? 9 : 17
            if isFloat, let exact = decompose(Double(Float(value)).description) {
                (negative, digits, exponent) = exact
                round(&digits, &exponent, to: 9)
            }
        }
        var out = negative ? "-" : ""
        if exponent < -4 || exponent >= precision {
            out += String(digits.first!)
            if digits.count > 1 { out += "." + digits.dropFirst() }
            out += exponent < 0 ? "e-" : "e+"
            let magnitude = String(abs(exponent))
            out += (magnitude.count < 2 ? "0" : "") + magnitude
        } else if exponent < 0 {
            out += "0." + String(repeating: "0", count: -exponent - 1) + digits
        } else if digits.count <= exponent + 1 {
            out += digits + String(repeating: "0", count: exponent + 1 - digits.count)
        } else {
            out += digits.prefix(exponent + 1) + "." + digits.dropFirst(exponent + 1)
        }
        return out
    }

    /// Rounds a digit string to `count` significant digits (half up), trailing zeros removed.
    private static func round(_ digits: inout String, _ exponent: inout Int, to count: Int) {
        guard digits.count > count else { return }
        var kept = Array(digits.prefix(count)).map { Int($0.wholeNumberValue!) }
        let next = Array(digits)[count].wholeNumberValue!
        if next >= 5 {
            var i = kept.count - 1
            while i >= 0 {
                kept[i] += 1
                if kept[i] < 10 { break }
                kept[i] = 0
                i -= 1
            }
            if i < 0 {
                kept.insert(1, at: 0)
                kept.removeLast()
                exponent += 1
            }
        }
        digits = kept.map(String.init).joined()
        while digits.last == "0" { digits.removeLast() }
    }

    /// `-1.25e+10` / `0.001` / `123.0` → (negative, significant digits without trailing zeros,
    /// exponent of the first digit).
    private static func decompose(_ text: String) -> (Bool, String, Int)? {
        var s = Substring(text)
        let negative = s.first == "-"
        if negative { s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(s[s.index(after: e)...].drop(while: { $0 == "+" })) else { return nil }
            exponent = x
            s = s[..<e]
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        let integer = parts[0], fraction = parts.count > 1 ? parts[1] : ""
        var digits = String(integer) + fraction
        var firstExponent = integer.count - 1 + exponent
        while digits.first == "0" {
            digits.removeFirst()
            firstExponent -= 1
        }
        while digits.last == "0" { digits.removeLast() }
        guard !digits.isEmpty, digits.allSatisfy(\.isNumber) else { return nil }
        return (negative, digits, firstExponent)
    }
}
