import CNGHTTP2

/// Header blocks already in `nghttp2_nv` form, found by the identity of their field array. A server
/// sends the same constant head and trailers on every call and a client the same request block;
/// converting one copies every name and value (6 % of a gRPC client's time). A block is converted
/// into a cached entry the second time it is seen: blocks that differ per call keep using the scratch
/// buffer and cost no allocation. Each entry and each remembered block keep their field array alive,
/// so an equal buffer address means the same fields. Loop thread only.
struct NVBlockCache: ~Copyable {
    private struct Entry {
        var source: [H2Header]
        var nv: UnsafeMutablePointer<nghttp2_nv>
        var bytes: UnsafeMutableRawPointer
    }
    private static let capacity = 4
    private var entries: [Entry] = []
    /// Blocks seen once, most recent last.
    private var seen: [[H2Header]] = []

    init() {}

    deinit {
        for entry in entries { Self.free(entry) }
    }

    /// The cached `nghttp2_nv` array for `fields` (same count), or nil; remembers `fields` on a miss.
    mutating func lookup(_ fields: [H2Header]) -> UnsafePointer<nghttp2_nv>? {
        guard let key = Self.identity(fields) else { return nil }
        for entry in entries where Self.identity(entry.source) == key { return UnsafePointer(entry.nv) }
        if let index = seen.firstIndex(where: { Self.identity($0) == key }) {
            seen.remove(at: index)
            let entry = Self.convert(fields)
            if entries.count == Self.capacity { Self.free(entries.removeFirst()) }
            entries.append(entry)
            return UnsafePointer(entry.nv)
        }
        if seen.count == Self.capacity { seen.removeFirst() }
        seen.append(fields)
        return nil
    }

    private static func identity(_ fields: [H2Header]) -> UnsafeRawPointer? {
        fields.isEmpty ? nil : fields.withUnsafeBufferPointer { UnsafeRawPointer($0.baseAddress) }
    }

    private static func convert(_ fields: [H2Header]) -> Entry {
        var total = 0
        for field in fields { total += field.name.utf8.count + field.value.utf8.count }
        let bytes = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 1)
        let nv = UnsafeMutablePointer<nghttp2_nv>.allocate(capacity: fields.count)
        var position = 0
        for (index, field) in fields.enumerated() {
            let name = bytes + position
            position += copy(field.name, to: name)
            let value = bytes + position
            position += copy(field.value, to: value)
            nv[index] = nghttp2_nv(
                name: name.assumingMemoryBound(to: UInt8.self), value: value.assumingMemoryBound(to: UInt8.self),
                namelen: value - name, valuelen: bytes + position - value, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
        }
        return Entry(source: fields, nv: nv, bytes: bytes)
    }

    private static func copy(_ string: String, to destination: UnsafeMutableRawPointer) -> Int {
        var string = string
        return string.withUTF8 { utf8 in
            if let base = utf8.baseAddress { destination.copyMemory(from: base, byteCount: utf8.count) }
            return utf8.count
        }
    }

    private static func free(_ entry: Entry) {
        entry.nv.deallocate()
        entry.bytes.deallocate()
    }
}
