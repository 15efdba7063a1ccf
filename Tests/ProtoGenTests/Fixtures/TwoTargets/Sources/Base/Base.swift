// SwiftPM (6.3) drops a target that has no Swift file of its own before any build plugin runs
// (swiftlang/swift-package-manager#8061), so a target of only .proto files needs one file like this.
