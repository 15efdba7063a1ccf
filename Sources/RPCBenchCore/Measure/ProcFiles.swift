import RPCBenchServer
import Foundation

/// Small reads and writes of `/proc` files.
public enum ProcFiles {
    public static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Writes `text` to a `/proc` file; false when the kernel refuses.
    @discardableResult
    public static func write(_ path: String, _ text: String) -> Bool {
        guard let handle = FileHandle(forWritingAtPath: path) else { return false }
        defer { try? handle.close() }
        do { try handle.write(contentsOf: Data(text.utf8)) } catch { return false }
        return true
    }
}
