// swift-tools-version:6.1
// The EventIO, H2 and H2RPC test suites alone, for scripts/sanitizers.sh:
//   swift build --build-tests --package-path SanitizerTesting --sanitize=thread|address
// Sources/X and Tests/X are links to ../../Sources/X and ../../Tests/X: the same files, targets and
// settings as in the h2rpc package, but the build holds only these suites and the modules they test.
// Building h2rpc's own test product under a sanitizer compiles 96 modules (every executable, generated
// .proto, test target and dependency of the package); this builds 14.
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "h2rpc-sanitizers",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2")
    ],
    targets: [
        .systemLibrary(name: "CNGHTTP2", pkgConfig: "libnghttp2"),
        .systemLibrary(name: "CEventIO"),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl"),
        .target(name: "CSignalWatch"),
        .target(name: "ProtoWire", swiftSettings: strict),
        .target(name: "EventIO", dependencies: ["CEventIO"], swiftSettings: strict),
        .target(name: "H2", dependencies: ["EventIO", "CNGHTTP2"], swiftSettings: strict),
        .target(name: "H2TLS", dependencies: ["EventIO", "COpenSSL"], swiftSettings: strict),
        .target(
            name: "H2RPC",
            dependencies: ["H2", "H2TLS", "ProtoWire", "CZlib", "CSignalWatch", .product(name: "Logging", package: "swift-log")],
            exclude: ["H2RPC.docc"], swiftSettings: strict),
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(name: "EventIOTests", dependencies: ["EventIO", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "H2Tests", dependencies: ["H2", "EventIO", "TestSupport"], exclude: ["Fixtures"], swiftSettings: strict),
        .testTarget(
            name: "H2RPCTests",
            dependencies: ["H2RPC", "H2TLS", "EventIO", "H2", "ProtoWire", "TestSupport", .product(name: "Logging", package: "swift-log")],
            exclude: ["Fixtures"], swiftSettings: strict),
    ]
)
