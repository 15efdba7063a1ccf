// swift-tools-version:6.1
// Built by TwoTargetPackageTests from a copy in a temporary folder where `h2rpc` links to the
// repository root: a library target of .proto files (Base) and an executable (App) whose .proto imports
// one of Base's, both using the well-known types from h2rpc's ProtoWellKnownTypes.
import PackageDescription

let package = Package(
    name: "TwoTargets",
    dependencies: [.package(path: "h2rpc")],
    targets: [
        .target(
            name: "Base", dependencies: [.product(name: "ProtoWellKnownTypes", package: "h2rpc")],
            plugins: [.plugin(name: "H2RPCPlugin", package: "h2rpc")]),
        .executableTarget(
            name: "App",
            dependencies: ["Base", .product(name: "ProtoWellKnownTypes", package: "h2rpc"), .product(name: "ProtoWire", package: "h2rpc")],
            plugins: [.plugin(name: "H2RPCPlugin", package: "h2rpc")]),
    ]
)
