import CNGHTTP2

/// Turns `H2Headers` into the `nghttp2_nv` array a submit takes: from its cache for blocks sent
/// again and again, else in scratch buffers reused from one submit to the next (no allocation
/// once warm). nghttp2 copies the fields during the submit. Loop thread only.
struct HeaderBlockEncoder: ~Copyable {
    private var bytes: [UInt8] = []
    private var array: UnsafeMutablePointer<nghttp2_nv>
    private var capacity = 16
    private var cache = NVBlockCache()

    init() { array = .allocate(capacity: capacity) }

    deinit { array.deallocate() }

    /// Calls `body` with `headers` as an `nghttp2_nv` array valid during the call.
    mutating func withNV<R>(_ headers: H2Headers, _ body: (UnsafePointer<nghttp2_nv>, Int) -> R) -> R {
        if let cached = cache.lookup(headers.fields) { return body(cached, headers.count) }
        if headers.count > capacity {
            array.deallocate()
            capacity = headers.count * 2
            array = .allocate(capacity: capacity)
        }
        bytes.removeAll(keepingCapacity: true)
        for field in headers {
            bytes.append(contentsOf: field.name.utf8)
            bytes.append(contentsOf: field.value.utf8)
        }
        let array = self.array
        return bytes.withUnsafeMutableBufferPointer { buffer in
            var position = 0
            guard let base = buffer.baseAddress else { return body(array, 0) }
            for (index, field) in headers.enumerated() {
                let nameLength = field.name.utf8.count
                let valueLength = field.value.utf8.count
                array[index] = nghttp2_nv(
                    name: base + position, value: base + position + nameLength,
                    namelen: nameLength, valuelen: valueLength, flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
                position += nameLength + valueLength
            }
            return body(array, headers.count)
        }
    }
}
