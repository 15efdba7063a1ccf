// SwiftPM drops a target that has no Swift file of its own before any build plugin runs
// (swiftlang/swift-package-manager#8061: PackageBuilder's createTarget returns no target when a
// target has no sources, resources or headers), so a target of only .proto files needs one file like this.
