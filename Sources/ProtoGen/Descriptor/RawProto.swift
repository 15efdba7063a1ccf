/// Hand-written protobuf bytes for the few places that build or cut messages field by field
/// (descriptor options as written, a `FileDescriptorProto` without its source info).
enum RawProto {
    static func varint(_ value: UInt64, into out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func tag(_ field: Int, _ wireType: UInt64, into out: inout [UInt8]) {
        varint(UInt64(field) << 3 | wireType, into: &out)
    }

    static func lengthDelimited(_ field: Int, _ bytes: [UInt8], into out: inout [UInt8]) {
        tag(field, 2, into: &out)
        varint(UInt64(bytes.count), into: &out)
        out += bytes
    }

    /// The top-level fields of `bytes` as (number, the field's whole record), in order; nil when the
    /// bytes are not a well-formed message.
    static func records(_ bytes: ArraySlice<UInt8>) -> [(number: Int, record: ArraySlice<UInt8>)]? {
        var result: [(Int, ArraySlice<UInt8>)] = []
        var i = bytes.startIndex
        func readVarint() -> UInt64? {
            var value: UInt64 = 0, shift: UInt64 = 0
            while i < bytes.endIndex, shift < 64 {
                let b = bytes[i]
                i += 1
                value |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return value }
                shift += 7
            }
            return nil
        }
        while i < bytes.endIndex {
            let start = i
            guard let key = readVarint() else { return nil }
            let number = Int(key >> 3)
            switch key & 7 {
            case 0: guard readVarint() != nil else { return nil }
            case 1: i += 8
            case 5: i += 4
            case 2:
                guard let length = readVarint(), length <= UInt64(bytes.endIndex - i) else { return nil }
                i += Int(length)
            default: return nil  // groups do not occur in descriptors
            }
            guard i <= bytes.endIndex else { return nil }
            result.append((number, bytes[start..<i]))
        }
        return result
    }

    /// The payloads of the length-delimited top-level fields numbered `field`.
    static func lengthDelimitedFields(_ field: Int, in bytes: [UInt8]) -> [[UInt8]]? {
        guard let records = records(bytes[...]) else { return nil }
        var result: [[UInt8]] = []
        for (number, record) in records where number == field {
            var i = record.startIndex
            for _ in 0..<2 {  // the tag, then the length: the payload is the rest of the record
                while record[i] >= 0x80 { i += 1 }
                i += 1
            }
            result.append(Array(record[i...]))
        }
        return result
    }
}
