// swift-tools-version:6.1
import PackageDescription

/// Settings every Swift target shares: Swift 6 mode is the package default; warnings are errors in CI
/// (scripts/test.sh passes -warnings-as-errors), not here, so that users' builds never break on a new compiler.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "h2rpc",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "ProtoWire", targets: ["ProtoWire"]),
        .library(name: "ProtoGen", targets: ["ProtoGen"]),
        .library(name: "EventIO", targets: ["EventIO"]),
        .library(name: "H2", targets: ["H2"]),
        .library(name: "H2RPC", targets: ["H2RPC"]),
        .library(name: "H2TLS", targets: ["H2TLS"]),
        .library(name: "BenchProto", targets: ["BenchProto"]),
        .library(name: "InteropProto", targets: ["InteropProto"]),
        .executable(name: "protoc-gen-h2rpc", targets: ["protoc-gen-h2rpc"]),
        .plugin(name: "H2RPCPlugin", targets: ["H2RPCPlugin"]),
        .executable(name: "rpcbench", targets: ["rpcbench"]),
        .executable(name: "rpcbench-server", targets: ["rpcbench-server"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    ],
    targets: [
        // C libraries, found through pkg-config; Debian package names for the install hint.
        .systemLibrary(
            name: "CNGHTTP2", path: "Sources/CNGHTTP2", pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]),
        // Linux declarations Glibc's module does not export (epoll, eventfd, accept4); headers only.
        .systemLibrary(name: "CEventIO", path: "Sources/CEventIO"),
        .systemLibrary(
            name: "CZlib", path: "Sources/CZlib", pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]),
        // OpenSSL 3 (TLS); only H2TLS imports it.
        .systemLibrary(
            name: "COpenSSL", path: "Sources/COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),

        // Protobuf wire format. No I/O, no dependencies.
        .target(name: "ProtoWire", swiftSettings: strict),
        // .proto parser, descriptor model, Swift emitter.
        .target(name: "ProtoGen", dependencies: ["ProtoWire"], swiftSettings: strict),
        // Event loops, sockets, timers.
        .target(name: "EventIO", dependencies: ["CEventIO"], swiftSettings: strict),
        // HTTP/2 through nghttp2.
        .target(name: "H2", dependencies: ["EventIO", "CNGHTTP2"], swiftSettings: strict),
        // TLS through OpenSSL memory BIOs: ALPN h2, mutual TLS, certificate reload.
        .target(name: "H2TLS", dependencies: ["EventIO", "COpenSSL"], swiftSettings: strict),
        // Plain HTTP/2 echo server: the target of the real-peer tests and rpcbench's h2 mode.
        .executableTarget(name: "h2-echo", dependencies: ["H2", "EventIO", "H2TLS"], swiftSettings: strict),
        // gRPC on H2.
        .target(
            name: "H2RPC",
            dependencies: ["H2", "ProtoWire", "CZlib", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),

        // protoc plugin and standalone code generator; the build plugin runs it.
        .executableTarget(name: "protoc-gen-h2rpc", dependencies: ["ProtoGen"], swiftSettings: strict),
        .plugin(name: "H2RPCPlugin", capability: .buildTool(), dependencies: ["protoc-gen-h2rpc"]),
        // Generated at build time by H2RPCPlugin from Protos/bench.proto (symlinked into the target).
        .target(name: "BenchProto", dependencies: ["ProtoWire", "H2RPC"], swiftSettings: strict, plugins: ["H2RPCPlugin"]),
        // Generated at build time by H2RPCPlugin from Protos/grpc/testing/*.proto (the gRPC interop protos).
        .target(name: "InteropProto", dependencies: ["ProtoWire", "H2RPC"], swiftSettings: strict, plugins: ["H2RPCPlugin"]),
        // gRPC interop test server and client, with the flags other implementations' interop binaries take.
        .executableTarget(
            name: "interop-server",
            dependencies: ["H2RPC", "InteropProto", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        .executableTarget(
            name: "interop-client",
            dependencies: ["H2RPC", "InteropProto", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),
        // The README's example: Examples/Echo/echo.proto → build plugin → server and client.
        .executableTarget(
            name: "echo-example", dependencies: ["H2RPC"], path: "Examples/Echo", swiftSettings: strict,
            plugins: ["H2RPCPlugin"]),

        // rpcbench: the servers (no Foundation: their RSS is measured) and their lean executable,
        // then everything else but the command line in RPCBenchCore, so that tests reach it.
        .target(name: "RPCBenchServer", dependencies: ["EventIO", "H2", "H2RPC", "BenchProto"], swiftSettings: strict),
        .executableTarget(name: "rpcbench-server", dependencies: ["RPCBenchServer"], swiftSettings: strict),
        .target(
            name: "RPCBenchCore",
            dependencies: [
                "RPCBenchServer", "EventIO", "H2", "H2RPC", "BenchProto", .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "rpcbench",
            dependencies: ["RPCBenchCore", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strict),

        .testTarget(
            name: "RPCBenchTests", dependencies: ["RPCBenchCore", "RPCBenchServer", "rpcbench", "rpcbench-server"],
            swiftSettings: strict),
        .testTarget(name: "SystemLibraryTests", dependencies: ["CNGHTTP2", "CZlib"], swiftSettings: strict),
        .testTarget(
            name: "ProtoWireTests", dependencies: ["ProtoWire"], exclude: ["Fixtures"], swiftSettings: strict),
        // The .proto files under Tests/ProtoGenTests/Protos are compiled by the build plugin.
        .testTarget(
            name: "ProtoGenTests", dependencies: ["ProtoGen", "ProtoWire", "H2RPC"],
            exclude: ["Python", "Snapshots", "Fixtures"], swiftSettings: strict, plugins: ["H2RPCPlugin"]),
        .testTarget(name: "H2RPCTests", dependencies: ["H2RPC", "EventIO", "H2", "ProtoWire", .product(name: "Logging", package: "swift-log")], swiftSettings: strict),
        // Helpers the EventIO and H2 tests share (process census from /proc, timeouts, test bytes).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "EventIOTests", dependencies: ["EventIO", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "TLSTests", dependencies: ["H2TLS", "H2", "EventIO", "TestSupport"], swiftSettings: strict),
        .testTarget(name: "H2Tests", dependencies: ["H2", "EventIO", "TestSupport"], swiftSettings: strict),
    ]
)
