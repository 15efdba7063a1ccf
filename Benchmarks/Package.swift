// swift-tools-version:6.1
// Benchmarks for h2rpc, kept in their own package so that their dependencies never reach users.
//   swift run -c release --package-path Benchmarks codec-bench     (or ./scripts/bench-codec.sh)
import PackageDescription

let package = Package(
    name: "h2rpc-benchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "h2rpc", path: "../"),
        .package(url: "https://github.com/apple/swift-protobuf.git", exact: "1.39.0"),
    ],
    targets: [
        // Counts malloc/calloc/realloc/aligned allocations of the whole process (glibc).
        .target(name: "MallocCounter"),
        // codec.proto compiled by protoc-gen-swift 1.39.0 (scripts/regenerate-bench-pb.sh), for comparison.
        .target(
            name: "SwiftProtobufMessages",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")]),
        // codec.proto compiled by protoc-gen-h2rpc through the build plugin (no committed generated code).
        .target(
            name: "GeneratedMessages", dependencies: [.product(name: "ProtoWire", package: "h2rpc")],
            plugins: [.plugin(name: "H2RPCPlugin", package: "h2rpc")]),
        // Encode/decode of the codec anchors Order and Small: ProtoWire against swift-protobuf.
        .executableTarget(
            name: "codec-bench",
            dependencies: [
                "MallocCounter", "SwiftProtobufMessages", "GeneratedMessages",
                .product(name: "ProtoWire", package: "h2rpc"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Sources/CodecBench"),
    ]
)
