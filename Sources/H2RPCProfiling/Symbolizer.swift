import CProfiler

/// A function an address belongs to, as far as the process knows it.
struct SymbolizedFrame: Sendable, Hashable {
    /// Demangled name, or `object+0xoffset` when no symbol covers the address.
    var name: String
    /// The symbol as the linker knows it (mangled), or the same as `name`.
    var systemName: String
    /// Index into the mappings, or nil when the address is in none.
    var mapping: Int?
}

/// Names addresses with dladdr (the dynamic symbol tables of the loaded objects) and the Swift
/// runtime's demangler, remembering what it looked up.
struct Symbolizer {
    let mappings: [ProcessMapping]
    private var cache: [UInt: SymbolizedFrame] = [:]
    private var demangled: [String: String] = [:]

    init(mappings: [ProcessMapping]) {
        self.mappings = mappings.sorted { $0.start < $1.start }
    }

    func mappingIndex(of address: UInt) -> Int? {
        var low = 0
        var high = mappings.count
        while low < high {
            let mid = (low + high) / 2
            if mappings[mid].limit <= address { low = mid + 1 } else { high = mid }
        }
        return low < mappings.count && mappings[low].start <= address ? low : nil
    }

    mutating func frame(at address: UInt) -> SymbolizedFrame {
        if let known = cache[address] { return known }
        let mapping = mappingIndex(of: address)
        var info = h2rpc_profiler_symbol()
        var frame: SymbolizedFrame
        if h2rpc_profiler_lookup(address, &info) != 0, let symbol = info.symbol {
            let mangled = String(cString: symbol)
            frame = SymbolizedFrame(name: demangle(mangled), systemName: mangled, mapping: mapping)
        } else {
            let object: String
            let base: UInt
            if let mapping {
                object = mappings[mapping].path
                base = mappings[mapping].start &- mappings[mapping].fileOffset
            } else if info.object != nil {
                object = String(cString: info.object)
                base = info.object_base
            } else {
                object = ""
                base = 0
            }
            let short = object.split(separator: "/").last.map(String.init) ?? "?"
            let name = "\(short.isEmpty ? "?" : short)+0x\(String(address &- base, radix: 16))"
            frame = SymbolizedFrame(name: name, systemName: name, mapping: mapping)
        }
        cache[address] = frame
        return frame
    }

    private mutating func demangle(_ mangled: String) -> String {
        if let known = demangled[mangled] { return known }
        var name = mangled
        if mangled.hasPrefix("$s") || mangled.hasPrefix("_T") || mangled.hasPrefix("$S"),
            let result = h2rpc_profiler_demangle(mangled)
        {
            name = String(cString: result)
            h2rpc_profiler_free(result)
        }
        demangled[mangled] = name
        return name
    }
}
