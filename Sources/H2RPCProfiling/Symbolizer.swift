import CProfiler

/// A function an address belongs to, as far as the process knows it.
struct SymbolizedFrame: Sendable, Hashable {
    /// Demangled name, or `file+0xoffset` when no symbol covers the address.
    var name: String
    /// The symbol as the linker knows it (mangled), or the same as `name`.
    var systemName: String
    /// Index into the mappings, or nil when the address is in none.
    var mapping: Int?
}

/// Names addresses: through the symbol table of the file each address's mapping comes from (.symtab,
/// which has the functions a binary does not export, else .dynsym), then dladdr, then
/// `file+0xoffset`; Swift names through the runtime's demangler.
struct Symbolizer {
    let mappings: [ProcessMapping]
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

    /// A frame for each of `addresses`.
    mutating func symbolize(_ addresses: some Sequence<UInt>) -> [UInt: SymbolizedFrame] {
        var byFile: [String: [UInt]] = [:]
        var unmapped: [UInt] = []
        for address in addresses {
            if let index = mappingIndex(of: address), mappings[index].path.hasPrefix("/") {
                byFile[mappings[index].path, default: []].append(address)
            } else {
                unmapped.append(address)
            }
        }
        var result: [UInt: SymbolizedFrame] = [:]
        for (path, fileAddresses) in byFile {
            for (address, symbol) in Self.fromSymbolTable(path: path, addresses: fileAddresses) {
                result[address] = SymbolizedFrame(
                    name: demangle(symbol), systemName: symbol, mapping: mappingIndex(of: address))
            }
            unmapped += fileAddresses.filter { result[$0] == nil }
        }
        for address in unmapped { result[address] = fromDladdr(address) }
        return result
    }

    /// The names `path`'s symbol table gives `addresses` (those of its functions that contain them).
    private static func fromSymbolTable(path: String, addresses: [UInt]) -> [UInt: String] {
        guard let first = addresses.first else { return [:] }
        var bias: UInt = 0
        guard h2rpc_profiler_load_bias(first, &bias) != 0, let table = h2rpc_elf_symbols_open(path) else { return [:] }
        defer { h2rpc_elf_symbols_close(table) }
        // File addresses, sorted, with the process addresses they stand for.
        let sorted = addresses.map { ($0 &- bias, $0) }.sorted { $0.0 < $1.0 }
        var names: [UInt: String] = [:]
        var start: UInt = 0
        var size: UInt = 0
        var name: UnsafePointer<CChar>? = nil
        for index in 0..<h2rpc_elf_symbols_count(table) {
            guard h2rpc_elf_symbol(table, index, &start, &size, &name) != 0, let name else { continue }
            var low = 0
            var high = sorted.count
            while low < high {
                let mid = (low + high) / 2
                if sorted[mid].0 < start { low = mid + 1 } else { high = mid }
            }
            var symbol: String? = nil
            while low < sorted.count, sorted[low].0 < start &+ size {
                if names[sorted[low].1] == nil {
                    symbol = symbol ?? String(cString: name)
                    names[sorted[low].1] = symbol
                }
                low += 1
            }
        }
        return names
    }

    private mutating func fromDladdr(_ address: UInt) -> SymbolizedFrame {
        let mapping = mappingIndex(of: address)
        var info = h2rpc_profiler_symbol()
        let found = h2rpc_profiler_lookup(address, &info) != 0
        if found, mapping == nil || !mappings[mapping!].path.hasPrefix("/"), let symbol = info.symbol {
            // Objects without a file (the vDSO): their dynamic symbols are all there is.
            let mangled = String(cString: symbol)
            return SymbolizedFrame(name: demangle(mangled), systemName: mangled, mapping: mapping)
        }
        let object: String
        let base: UInt
        if let mapping {
            object = mappings[mapping].path
            base = mappings[mapping].start &- mappings[mapping].fileOffset
        } else if found, let path = info.object {
            object = String(cString: path)
            base = info.object_base
        } else {
            object = ""
            base = 0
        }
        let short = object.split(separator: "/").last.map(String.init) ?? ""
        let name = "\(short.isEmpty ? "?" : short)+0x\(String(address &- base, radix: 16))"
        return SymbolizedFrame(name: name, systemName: name, mapping: mapping)
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
