// swift-tools-version:6.1
// libFuzzer target for ProtoWire decoding. Built and run by scripts/fuzz.sh:
//   swift build -c release --package-path FuzzTesting --sanitize=fuzzer --sanitize=address
// ProtoWire's sources are compiled here directly (Sources/ProtoWire is a link to ../Sources/ProtoWire)
// rather than through the h2rpc package, so that the fuzzer build instruments exactly the codec and
// builds nothing else of h2rpc (its executables and plugins do not build with -sanitize=fuzzer).
import PackageDescription

let package = Package(
    name: "h2rpc-fuzz",
    platforms: [.macOS(.v15)],
    targets: [
        .target(name: "ProtoWire"),
        .executableTarget(name: "FuzzProtoWire", dependencies: ["ProtoWire"]),
    ]
)
