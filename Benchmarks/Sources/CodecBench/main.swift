// Encode and decode of the shared codec anchors (Order, Small) with ProtoWire and swift-protobuf 1.39,
// side by side in one run: ns per message and heap allocations per message, then the figures
// measured for other implementations on the same machine. Build in release:
//   swift run -c release --package-path Benchmarks codec-bench
import Foundation
import GeneratedMessages
import MallocCounter
import ProtoWire
import SwiftProtobuf
import SwiftProtobufMessages

/// Keeps the optimizer from dropping a result.
@inline(never)
func blackHole<T>(_ value: T) {
    withExtendedLifetime(value) {}
}

struct Figure {
    var nanoseconds: Double
    var allocations: Double
}

/// CPU time of the calling thread, in ns: unlike wall time it does not count the time other
/// processes hold the core, so figures stay comparable on a shared (2-core, busy) machine.
func threadCPUNanoseconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) * 1e9 + Double(ts.tv_nsec)
}

/// How many calls of `body` take about `minimum` of CPU time (after a warm-up).
func calibrate(minimum: Duration, _ body: () -> Void) -> Int {
    let minimumNs = Double(minimum.components.seconds) * 1e9 + Double(minimum.components.attoseconds) / 1e9
    var iterations = 1
    while true {
        let t0 = threadCPUNanoseconds()
        for _ in 0..<iterations { body() }
        if threadCPUNanoseconds() - t0 >= minimumNs / 4 { return iterations * 4 }
        iterations *= 2
    }
}

/// CPU ns and allocations per call over `iterations` calls.
func run(iterations: Int, _ body: () -> Void) -> Figure {
    let a0 = mc_allocation_count()
    let t0 = threadCPUNanoseconds()
    for _ in 0..<iterations { body() }
    let t1 = threadCPUNanoseconds()
    let a1 = mc_allocation_count()
    return Figure(nanoseconds: (t1 - t0) / Double(iterations), allocations: Double(a1 - a0) / Double(iterations))
}

/// Median CPU ns per call of `body` over `repeats` runs of at least `minimum` each, after a warm-up;
/// allocations per call counted over the same runs.
func measure(repeats: Int = 5, minimum: Duration = .milliseconds(300), _ body: () -> Void) -> Figure {
    let minimumNs = Double(minimum.components.seconds) * 1e9 + Double(minimum.components.attoseconds) / 1e9
    var iterations = 1
    while true {  // warm-up and calibration
        let t0 = threadCPUNanoseconds()
        for _ in 0..<iterations { body() }
        if threadCPUNanoseconds() - t0 >= minimumNs / 4 { break }
        iterations *= 2
    }
    iterations *= 4
    var times: [Double] = []
    var allocations: [Double] = []
    for _ in 0..<repeats {
        let a0 = mc_allocation_count()
        let t0 = threadCPUNanoseconds()
        for _ in 0..<iterations { body() }
        let t1 = threadCPUNanoseconds()
        let a1 = mc_allocation_count()
        times.append((t1 - t0) / Double(iterations))
        allocations.append(Double(a1 - a0) / Double(iterations))
    }
    return Figure(nanoseconds: times.sorted()[repeats / 2], allocations: allocations.sorted()[repeats / 2])
}

func anchor(_ name: String) -> [UInt8] {
    let dir =
        ProcessInfo.processInfo.environment["H2RPC_ANCHORS"].map { URL(fileURLWithPath: $0) }
        ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/ProtoWireTests/Fixtures/anchors")
    guard let data = try? Data(contentsOf: dir.appendingPathComponent(name)) else {
        fatalError("cannot read \(dir.appendingPathComponent(name).path)")
    }
    return [UInt8](data)
}

let orderBytes = anchor("order.bin")
let smallBytes = anchor("small.bin")

// ProtoWire, hand-written messages (Tests/ProtoWireTests/Messages/CodecMessages.swift).
let order = try Codec_Order(serializedBytes: orderBytes)
let small = try Codec_Small(serializedBytes: smallBytes)
// protoc-gen-h2rpc, generated messages (GeneratedMessages target, built by H2RPCPlugin).
let genOrder = try GeneratedMessages.Codec_Order(serializedBytes: orderBytes)
let genSmall = try GeneratedMessages.Codec_Small(serializedBytes: smallBytes)
// swift-protobuf, generated messages.
let spOrder = try SwiftProtobufMessages.Codec_Order(serializedBytes: orderBytes)
let spSmall = try SwiftProtobufMessages.Codec_Small(serializedBytes: smallBytes)

// Large messages: one big field, where the cost should be one copy per side (memory speed).
// Deterministic contents: bytes from a linear congruential sequence, the string printable ASCII.
func largeBytes(_ n: Int) -> [UInt8] {
    var x: UInt32 = 12345
    return (0..<n).map { _ in
        x = x &* 1_103_515_245 &+ 12345; return UInt8(truncatingIfNeeded: x >> 16)
    }
}
var blob1M = Codec_Blob()
blob1M.data = largeBytes(1 << 20)
var blob16M = Codec_Blob()
blob16M.data = largeBytes(16 << 20)
var text1M = Codec_Text()
text1M.text = String(decoding: largeBytes(1 << 20).map { 0x20 + $0 % 95 }, as: UTF8.self)
let blob1MBytes = blob1M.serializedBytes()
let blob16MBytes = blob16M.serializedBytes()
let text1MBytes = text1M.serializedBytes()
let largeCases: [(name: String, size: Int, decode: () -> Void, encode: () -> Void, roundTrip: () -> Void)] = [
    (
        "bytes 1 MiB", 1 << 20,
        { blackHole(try! Codec_Blob(serializedBytes: blob1MBytes)) }, { blackHole(blob1M.serializedBytes()) },
        { blackHole(try! Codec_Blob(serializedBytes: blob1MBytes).serializedBytes()) }
    ),
    (
        "bytes 16 MiB", 16 << 20,
        { blackHole(try! Codec_Blob(serializedBytes: blob16MBytes)) }, { blackHole(blob16M.serializedBytes()) },
        { blackHole(try! Codec_Blob(serializedBytes: blob16MBytes).serializedBytes()) }
    ),
    (
        "string 1 MiB (ASCII)", 1 << 20,
        { blackHole(try! Codec_Text(serializedBytes: text1MBytes)) }, { blackHole(text1M.serializedBytes()) },
        { blackHole(try! Codec_Text(serializedBytes: text1MBytes).serializedBytes()) }
    ),
]

// `codec-bench profile <case> [n]`: run one case for 5 s (for perf record), or exactly n times.
if CommandLine.arguments.count >= 3 && CommandLine.arguments[1] == "profile" {
    let cases: [String: () -> Void] = [
        "order-encode": { blackHole(order.serializedBytes()) },
        "order-decode": { blackHole(try! Codec_Order(serializedBytes: orderBytes)) },
        "small-encode": { blackHole(small.serializedBytes()) },
        "small-decode": { blackHole(try! Codec_Small(serializedBytes: smallBytes)) },
        "gen-order-encode": { blackHole(genOrder.serializedBytes()) },
        "gen-order-decode": { blackHole(try! GeneratedMessages.Codec_Order(serializedBytes: orderBytes)) },
        "gen-small-encode": { blackHole(genSmall.serializedBytes()) },
        "gen-small-decode": { blackHole(try! GeneratedMessages.Codec_Small(serializedBytes: smallBytes)) },
        "sp-order-encode": { blackHole(try! spOrder.serializedBytes() as [UInt8]) },
        "sp-order-decode": { blackHole(try! SwiftProtobufMessages.Codec_Order(serializedBytes: orderBytes)) },
        "sp-small-encode": { blackHole(try! spSmall.serializedBytes() as [UInt8]) },
        "sp-small-decode": { blackHole(try! SwiftProtobufMessages.Codec_Small(serializedBytes: smallBytes)) },
        "bytes1m-decode": largeCases[0].decode, "bytes1m-encode": largeCases[0].encode,
        "bytes1m-roundtrip": largeCases[0].roundTrip,
        "bytes16m-decode": largeCases[1].decode, "bytes16m-encode": largeCases[1].encode,
        "bytes16m-roundtrip": largeCases[1].roundTrip,
        "string1m-decode": largeCases[2].decode, "string1m-encode": largeCases[2].encode,
        "string1m-roundtrip": largeCases[2].roundTrip,
    ]
    guard let body = cases[CommandLine.arguments[2]] else {
        print("cases: \(cases.keys.sorted().joined(separator: ", "))")
        exit(2)
    }
    if CommandLine.arguments.count >= 4, let n = Int(CommandLine.arguments[3]) {
        // Exactly n calls: for `perf stat` instruction counts, which a busy machine does not skew.
        for _ in 0..<n { body() }
        exit(0)
    }
    let f = measure(repeats: 1, minimum: .seconds(5), body)
    print(String(format: "%@: %.0f ns, %.1f mallocs", CommandLine.arguments[2], f.nanoseconds, f.allocations))
    exit(0)
}

var deterministic = BinaryEncodingOptions()
deterministic.useDeterministicOrdering = true

// Both must produce exactly the anchor bytes (every implementation must "produce and accept exactly these bytes").
let checks: [(String, Bool)] = [
    ("ProtoWire Order", order.serializedBytes() == orderBytes),
    ("ProtoWire Small", small.serializedBytes() == smallBytes),
    ("protoc-gen-h2rpc Order", genOrder.serializedBytes() == orderBytes),
    ("protoc-gen-h2rpc Small", genSmall.serializedBytes() == smallBytes),
    // swift-protobuf writes maps in Dictionary order unless asked for deterministic output; it is timed
    // with its default options, as the reference figures are.
    ("swift-protobuf Order", (try spOrder.serializedBytes(options: deterministic) as [UInt8]) == orderBytes),
    ("swift-protobuf Small", (try spSmall.serializedBytes() as [UInt8]) == smallBytes),
]
let largeChecks: [(String, Bool)] = [
    ("ProtoWire bytes 1 MiB round trip", try Codec_Blob(serializedBytes: blob1MBytes).serializedBytes() == blob1MBytes),
    (
        "ProtoWire bytes 16 MiB round trip",
        try Codec_Blob(serializedBytes: blob16MBytes).serializedBytes() == blob16MBytes
    ),
    (
        "ProtoWire string 1 MiB round trip",
        try Codec_Text(serializedBytes: text1MBytes).serializedBytes() == text1MBytes
    ),
]
for (name, ok) in checks + largeChecks where !ok {
    print("error: \(name) does not encode to the anchor bytes")
    exit(1)
}

func ns(_ f: Figure) -> String { String(format: "%.0f", f.nanoseconds) }
func allocs(_ f: Figure) -> String {
    String(format: f.allocations == f.allocations.rounded() ? "%.0f" : "%.1f", f.allocations)
}
func row(_ cells: [String]) -> String { "| " + cells.joined(separator: " | ") + " |" }

// `codec-bench large`: only the large-message table below.
let largeOnly = CommandLine.arguments.dropFirst().first == "large"
if !largeOnly {
    print(
        "codec-bench: Order \(orderBytes.count) bytes, Small \(smallBytes.count) bytes; thread CPU time, median of 7 interleaved rounds of ≈ 0.15 s per case"
    )

    // Every case runs once per round, rounds interleaved, so that a change in the machine's load hits
    // ProtoWire and swift-protobuf alike; each figure is the median over the rounds.
    let cases: [(name: String, body: () -> Void)] = [
        ("pw.orderEncode", { blackHole(order.serializedBytes()) }),
        ("pw.orderDecode", { blackHole(try! Codec_Order(serializedBytes: orderBytes)) }),
        ("pw.smallEncode", { blackHole(small.serializedBytes()) }),
        ("pw.smallDecode", { blackHole(try! Codec_Small(serializedBytes: smallBytes)) }),
        ("gen.orderEncode", { blackHole(genOrder.serializedBytes()) }),
        ("gen.orderDecode", { blackHole(try! GeneratedMessages.Codec_Order(serializedBytes: orderBytes)) }),
        ("gen.smallEncode", { blackHole(genSmall.serializedBytes()) }),
        ("gen.smallDecode", { blackHole(try! GeneratedMessages.Codec_Small(serializedBytes: smallBytes)) }),
        ("sp.orderEncode", { blackHole(try! spOrder.serializedBytes() as [UInt8]) }),
        ("sp.orderDecode", { blackHole(try! SwiftProtobufMessages.Codec_Order(serializedBytes: orderBytes)) }),
        ("sp.smallEncode", { blackHole(try! spSmall.serializedBytes() as [UInt8]) }),
        ("sp.smallDecode", { blackHole(try! SwiftProtobufMessages.Codec_Small(serializedBytes: smallBytes)) }),
        // ProtoWire decoding from a borrowed buffer (no [UInt8] in hand: e.g. a network read buffer).
        ("pw.orderDecodeBorrowed", { orderBytes.withUnsafeBytes { blackHole(try! Codec_Order(buffer: $0)) } }),
    ]
    let rounds = 7
    var samples: [String: [Figure]] = [:]
    let iterations = cases.map { calibrate(minimum: .milliseconds(150), $0.body) }
    for _ in 0..<rounds {
        for (c, n) in zip(cases, iterations) {
            samples[c.name, default: []].append(run(iterations: n, c.body))
        }
    }
    func median(_ s: [Figure]) -> Figure {
        Figure(
            nanoseconds: s.map(\.nanoseconds).sorted()[s.count / 2],
            allocations: s.map(\.allocations).sorted()[s.count / 2])
    }
    let pw = (
        orderEncode: median(samples["pw.orderEncode"]!), orderDecode: median(samples["pw.orderDecode"]!),
        smallEncode: median(samples["pw.smallEncode"]!), smallDecode: median(samples["pw.smallDecode"]!)
    )
    let gen = (
        orderEncode: median(samples["gen.orderEncode"]!), orderDecode: median(samples["gen.orderDecode"]!),
        smallEncode: median(samples["gen.smallEncode"]!), smallDecode: median(samples["gen.smallDecode"]!)
    )
    let sp = (
        orderEncode: median(samples["sp.orderEncode"]!), orderDecode: median(samples["sp.orderDecode"]!),
        smallEncode: median(samples["sp.smallEncode"]!), smallDecode: median(samples["sp.smallDecode"]!)
    )
    let pwBorrowed = median(samples["pw.orderDecodeBorrowed"]!)

    print()
    print(
        row([
            "implementation", "Order encode", "Order decode", "Small encode", "Small decode", "mallocs Order enc/dec",
            "mallocs Small enc/dec",
        ]))
    print(row(["---", "---:", "---:", "---:", "---:", "---", "---"]))
    print(
        row([
            "h2rpc ProtoWire (this run)", ns(pw.orderEncode), ns(pw.orderDecode), ns(pw.smallEncode),
            ns(pw.smallDecode),
            "\(allocs(pw.orderEncode)) / \(allocs(pw.orderDecode))",
            "\(allocs(pw.smallEncode)) / \(allocs(pw.smallDecode))",
        ]))
    print(
        row([
            "h2rpc generated by protoc-gen-h2rpc (this run)", ns(gen.orderEncode), ns(gen.orderDecode),
            ns(gen.smallEncode),
            ns(gen.smallDecode), "\(allocs(gen.orderEncode)) / \(allocs(gen.orderDecode))",
            "\(allocs(gen.smallEncode)) / \(allocs(gen.smallDecode))",
        ]))
    print(
        row([
            "swift-protobuf 1.39 (this run)", ns(sp.orderEncode), ns(sp.orderDecode), ns(sp.smallEncode),
            ns(sp.smallDecode),
            "\(allocs(sp.orderEncode)) / \(allocs(sp.orderDecode))",
            "\(allocs(sp.smallEncode)) / \(allocs(sp.smallDecode))",
        ]))
    // Figures for other implementations, measured on this machine by the project's owners.
    print(row(["swift-protobuf 1.39 (reference)", "1687", "3468", "67", "57", "6 / 23", ""]))
    print(row(["C++ libprotobuf 3.21, new string/message (reference)", "354", "1151", "17", "31", "1 / 53", ""]))
    print(row(["C++ libprotobuf 3.21, reused (reference)", "338", "574", "17", "21", "0 / 7", ""]))
    print(row(["Go protobuf 1.28 (reference)", "1517", "2461", "54", "99", "15 / 70", ""]))
    print(row(["memcpy of the encoded bytes (reference)", "5", "", "1.4", "", "", ""]))
    print()
    print(
        String(
            format: "ProtoWire Order decode from a borrowed UnsafeRawBufferPointer: %.0f ns, %@ mallocs",
            pwBorrowed.nanoseconds, allocs(pwBorrowed)))
    print(
        String(
            format:
                "speed-up over swift-protobuf (this run): Order encode %.1f×, decode %.1f×; Small encode %.1f×, decode %.1f×",
            sp.orderEncode.nanoseconds / pw.orderEncode.nanoseconds,
            sp.orderDecode.nanoseconds / pw.orderDecode.nanoseconds,
            sp.smallEncode.nanoseconds / pw.smallEncode.nanoseconds,
            sp.smallDecode.nanoseconds / pw.smallDecode.nanoseconds))
    print(
        String(
            format:
                "generated code's speed-up over swift-protobuf (this run): Order encode %.1f×, decode %.1f×; Small encode %.1f×, decode %.1f×",
            sp.orderEncode.nanoseconds / gen.orderEncode.nanoseconds,
            sp.orderDecode.nanoseconds / gen.orderDecode.nanoseconds,
            sp.smallEncode.nanoseconds / gen.smallEncode.nanoseconds,
            sp.smallDecode.nanoseconds / gen.smallDecode.nanoseconds))
    // The machine is shared: when swift-protobuf runs slower here than in the reference figures (measured on a quiet
    // machine), scale ProtoWire's figures by the same factor to estimate them on the quiet machine.
    let load = (sp.orderEncode.nanoseconds / 1687 + sp.orderDecode.nanoseconds / 3468) / 2
    print(
        String(
            format:
                "machine load: swift-protobuf runs %.2f× its reference time; ProtoWire scaled by that: Order encode ≈ %.0f ns, decode ≈ %.0f ns; Small ≈ %.0f + %.0f ns",
            load, pw.orderEncode.nanoseconds / load, pw.orderDecode.nanoseconds / load,
            pw.smallEncode.nanoseconds / load, pw.smallDecode.nanoseconds / load))
    let targets = [
        ("Order encode ≤ 560 ns (scaled)", pw.orderEncode.nanoseconds / load <= 560),
        ("Order decode ≤ 1150 ns (scaled)", pw.orderDecode.nanoseconds / load <= 1150),
        (
            "3× swift-protobuf (same run) on Order",
            sp.orderEncode.nanoseconds / pw.orderEncode.nanoseconds >= 3
                && sp.orderDecode.nanoseconds / pw.orderDecode.nanoseconds >= 3
        ),
        (
            "Small encode + decode < 40 ns (scaled)",
            (pw.smallEncode.nanoseconds + pw.smallDecode.nanoseconds) / load < 40
        ),
        ("encode allocates exactly once", pw.orderEncode.allocations == 1 && pw.smallEncode.allocations == 1),
    ]
    print("targets: " + targets.map { "\($0.0): \($0.1 ? "met" : "NOT met")" }.joined(separator: "; "))
}

// Large messages: decode, encode and both (decode then re-encode, as a proxy that forwards a message
// does), with GB/s of the field's bytes per side; a memcpy of the same size into a fresh array and
// into one buffer reused for every copy, measured in this run, for scale.
print()
print("large messages (one field; thread CPU time, median of 5 runs of ≥ 0.3 s):")
print(
    row([
        "message", "decode µs", "encode µs", "decode + re-encode µs", "decode GB/s", "encode GB/s",
        "memcpy into a fresh array µs", "memcpy into a reused buffer µs", "mallocs dec / enc",
        "page faults per decode + re-encode",
    ]))
print(row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---", "---:"]))
/// Minor page faults per call of `body` (memory the allocator took back from the kernel and was
/// given again: each fault costs a page clear).
func pageFaults(_ body: () -> Void) -> Double {
    var before = rusage(), after = rusage()
    getrusage(RUSAGE_SELF.rawValue, &before)
    for _ in 0..<20 { body() }
    getrusage(RUSAGE_SELF.rawValue, &after)
    return Double(after.ru_minflt - before.ru_minflt) / 20
}
for c in largeCases {
    let source = largeBytes(c.size)
    let reused = UnsafeMutableRawPointer.allocate(byteCount: c.size, alignment: 64)
    defer { reused.deallocate() }
    let decode = measure(c.decode), encode = measure(c.encode), both = measure(c.roundTrip)
    // Right after the round trips: the copies below free arrays that move glibc's thresholds.
    let faults = pageFaults(c.roundTrip)
    let fresh = measure { blackHole(source.withUnsafeBytes { [UInt8]($0) }) }
    let warm = measure {
        source.withUnsafeBytes { reused.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }; blackHole(reused)
    }
    func us(_ f: Figure) -> String { String(format: "%.1f", f.nanoseconds / 1000) }
    func gbs(_ f: Figure) -> String { String(format: "%.1f", Double(c.size) / f.nanoseconds) }
    print(
        row([
            c.name, us(decode), us(encode), us(both), gbs(decode), gbs(encode), us(fresh), us(warm),
            "\(allocs(decode)) / \(allocs(encode))", String(format: "%.0f", faults),
        ]))
}
