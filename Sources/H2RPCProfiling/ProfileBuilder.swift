/// Turns raw stacks into pprof's `Profile`: identical stacks become one sample, each distinct
/// address one `Location`, each distinct function name one `Function`, strings one table.
enum ProfileBuilder {
    static func build(_ profile: CPUProfile, symbolizer: Symbolizer) -> Perftools_Profiles_Profile {
        var symbolizer = symbolizer
        var strings = StringTable()
        var counts: [StackKey: Int64] = [:]
        for (index, stack) in profile.stacks.enumerated() {
            // Callers' entries are return addresses: step back into the call instruction, so that
            // the address names the calling line rather than the next one.
            var key = stack
            for i in key.indices.dropFirst() where key[i] > 0 { key[i] -= 1 }
            let thread = index < profile.threadIDs.count ? profile.threadIDs[index] : 0
            counts[StackKey(thread: thread, addresses: key), default: 0] += 1
        }

        let frames = symbolizer.symbolize(Set(counts.keys.lazy.flatMap(\.addresses)))
        var result = Perftools_Profiles_Profile()
        var locationIDs: [UInt: UInt64] = [:]
        var functionIDs: [String: UInt64] = [:]
        var usedMappings = Set<Int>()

        func locationID(_ address: UInt) -> UInt64 {
            if let id = locationIDs[address] { return id }
            let frame = frames[address] ?? SymbolizedFrame(name: "?", systemName: "?", mapping: nil)
            let functionID: UInt64
            if let id = functionIDs[frame.systemName] {
                functionID = id
            } else {
                functionID = UInt64(result.function.count + 1)
                functionIDs[frame.systemName] = functionID
                var function = Perftools_Profiles_Function()
                function.id = functionID
                function.name = strings.index(frame.name)
                function.systemName = strings.index(frame.systemName)
                result.function.append(function)
            }
            let id = UInt64(result.location.count + 1)
            var location = Perftools_Profiles_Location()
            location.id = id
            location.address = UInt64(address)
            if let mapping = frame.mapping {
                location.mappingID = UInt64(mapping + 1)
                usedMappings.insert(mapping)
            }
            var line = Perftools_Profiles_Line()
            line.functionID = functionID
            location.line = [line]
            result.location.append(location)
            locationIDs[address] = id
            return id
        }

        let period = profile.periodNanos
        // Most frequent stacks first: a stable order for readers of the raw message.
        let threadKey = counts.keys.contains { $0.thread != 0 } ? strings.index("thread") : 0
        for (key, count) in counts.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
            var sample = Perftools_Profiles_Sample()
            sample.locationID = key.addresses.map(locationID)
            sample.value = [count, count * period]
            if key.thread != 0 {
                var label = Perftools_Profiles_Label()
                label.key = threadKey
                label.str = strings.index(String(key.thread))
                sample.label = [label]
            }
            result.sample.append(sample)
        }

        result.mapping = mappings(symbolizer.mappings, used: usedMappings, strings: &strings)
        var samples = Perftools_Profiles_ValueType()
        samples.type = strings.index("samples")
        samples.unit = strings.index("count")
        var cpu = Perftools_Profiles_ValueType()
        cpu.type = strings.index("cpu")
        cpu.unit = strings.index("nanoseconds")
        result.sampleType = [samples, cpu]
        result.periodType = cpu
        result.period = period
        result.timeNanos = profile.startTimeNanos
        let (seconds, attoseconds) = profile.duration.components
        result.durationNanos = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        if profile.droppedSamples > 0 {
            result.comment = [strings.index("\(profile.droppedSamples) samples dropped: the sample buffer was full")]
        }
        result.stringTable = strings.strings
        return result
    }

    /// The mappings locations refer to, the main executable's first (pprof takes mapping[0] as the
    /// main binary); ids are the symbolizer's indices + 1.
    private static func mappings(
        _ all: [ProcessMapping], used: Set<Int>, strings: inout StringTable
    ) -> [Perftools_Profiles_Mapping] {
        let executable = ProcessMappings.executablePath()
        let order = used.sorted { a, b in
            let aMain = all[a].path == executable
            let bMain = all[b].path == executable
            return aMain != bMain ? aMain : a < b
        }
        return order.map { index in
            var mapping = Perftools_Profiles_Mapping()
            mapping.id = UInt64(index + 1)
            mapping.memoryStart = UInt64(all[index].start)
            mapping.memoryLimit = UInt64(all[index].limit)
            mapping.fileOffset = UInt64(all[index].fileOffset)
            mapping.filename = strings.index(all[index].path)
            mapping.hasFunctions = true
            return mapping
        }
    }
}

/// Samples with the same stack on the same thread are one pprof sample.
struct StackKey: Hashable, Comparable {
    var thread: Int32
    var addresses: [UInt]

    static func < (a: StackKey, b: StackKey) -> Bool {
        a.thread != b.thread ? a.thread < b.thread : a.addresses.lexicographicallyPrecedes(b.addresses)
    }
}

/// pprof's string table: "" at index 0, each string once.
struct StringTable {
    private(set) var strings: [String] = [""]
    private var indices: [String: Int64] = ["": 0]

    mutating func index(_ string: String) -> Int64 {
        if let index = indices[string] { return index }
        let index = Int64(strings.count)
        strings.append(string)
        indices[string] = index
        return index
    }
}
