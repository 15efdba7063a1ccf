// swift-tools-version:6.1
// libFuzzer targets, built and run by scripts/fuzz.sh:
//   swift build -c release --package-path FuzzTesting --sanitize=fuzzer --sanitize=address
// - FuzzProtoWire: ProtoWire decoding.
// - FuzzRequestPath: the gRPC server's request path (headers, deframing, decompression).
// - FuzzH2Session: an HTTP/2 server session (nghttp2 through H2) fed raw client bytes after the preface.
// The modules' sources are compiled here directly (Sources/X is a link to ../Sources/X) rather than
// through the h2rpc package, so that the fuzzer build instruments exactly those modules and builds
// nothing else of h2rpc (its executables and plugins do not build with -sanitize=fuzzer).
import PackageDescription

// The same language settings as the h2rpc package: its modules mix `package import` with implicit
// (internal) imports, which without InternalImportsByDefault are ambiguous.
let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "h2rpc-fuzz",
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .executableTarget(name: "FuzzProtoWire", dependencies: ["ProtoWire"]),
        .executableTarget(name: "FuzzRequestPath", dependencies: ["H2RPC"]),
        .executableTarget(name: "FuzzH2Session", dependencies: ["H2", "EventIO"]),
    ]
)
