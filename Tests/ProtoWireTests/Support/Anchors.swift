import Foundation

/// The codec anchor files in Fixtures/anchors (or the directory $H2RPC_ANCHORS names).
enum Anchors {
    static var directory: URL {
        if let dir = ProcessInfo.processInfo.environment["H2RPC_ANCHORS"] {
            return URL(fileURLWithPath: dir)
        }
        return URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/anchors")
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }
}
