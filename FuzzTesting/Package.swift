// swift-tools-version:6.1
// libFuzzer target for ProtoWire decoding. Built and run by scripts/fuzz.sh:
//   swift build -c release --package-path FuzzTesting --sanitize=fuzzer --sanitize=address
import PackageDescription

let package = Package(
    name: "h2rpc-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "h2rpc", path: "../")],
    targets: [
        .executableTarget(
            name: "FuzzProtoWire",
            dependencies: [.product(name: "ProtoWire", package: "h2rpc")]),
    ]
)
