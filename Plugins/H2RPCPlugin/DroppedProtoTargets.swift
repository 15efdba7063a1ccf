// SwiftPM decides a target's kind from the files in its folder before any build plugin runs: a target
// with no Swift (or C) source is dropped with only a warning ("Source files for target Base should be
// located under 'Sources/Base'"), so a target of .proto files alone never gets generated code, and its
// dependents fail with "no such module" or an unresolved import (swiftlang/swift-package-manager#8061;
// PackageBuilder.swift returns no target when sources, resources and headers are all empty). Resources
// do not help: a target with resources but no Swift file becomes a C target, whose compiler is handed
// the generated Swift. The plugin cannot change that; it can only say what happened and what to do.
import Foundation
import PackagePlugin

extension H2RPCPlugin {
    /// An error for each import of `protos` that is not under `protoRoots` but in a folder SwiftPM
    /// dropped: a folder directly under the package's Sources/ or Tests/ that holds .proto files and
    /// no Swift file and belongs to no target. (Such folders are not reported by themselves: one may
    /// hold .proto files on purpose, for another tool.)
    static func diagnoseDroppedProtoTargets(package: Package, protos: [URL], protoRoots: [URL]) {
        let dropped = droppedProtoFolders(package: package)
        if dropped.isEmpty { return }
        for proto in protos {
            for (line, name) in imports(of: proto) where !name.hasPrefix("google/protobuf/") {
                if protoRoots.contains(where: { FileManager.default.fileExists(atPath: $0.appending(path: name).path) })
                {
                    continue
                }
                guard
                    let folder = dropped.first(where: {
                        FileManager.default.fileExists(atPath: $0.appending(path: name).path)
                    })
                else { continue }
                Diagnostics.error(
                    "\(relative(proto, to: package)):\(line) imports \"\(name)\", which is in "
                        + "\(relative(folder, to: package)), a target without Swift files: "
                        + advice(folder, package: package),
                    file: proto.path(percentEncoded: false), line: line)
            }
        }
    }

    private static func advice(_ folder: URL, package: Package) -> String {
        "SwiftPM drops a target without Swift sources before build plugins run "
            + "(swiftlang/swift-package-manager#8061); add an empty Swift file, e.g. "
            + "\(relative(folder, to: package))/\(folder.lastPathComponent).swift"
    }

    /// The path of `folder` (or file) inside the package, without a trailing `/`.
    private static func relative(_ folder: URL, to package: Package) -> String {
        let base = package.directoryURL.standardizedFileURL.path(percentEncoded: false)
        var path = folder.standardizedFileURL.path(percentEncoded: false)
        if path.hasSuffix("/") { path.removeLast() }
        let prefix = base.hasSuffix("/") ? base : base + "/"
        return path.hasPrefix(prefix) ? String(path.dropFirst(prefix.count)) : path
    }

    private static func droppedProtoFolders(package: Package) -> [URL] {
        let fm = FileManager.default
        let targetFolders = Set(package.targets.map { $0.directoryURL.standardizedFileURL.path(percentEncoded: false) })
        var result: [URL] = []
        for top in ["Sources", "Tests"] {
            let parent = package.directoryURL.appending(path: top, directoryHint: .isDirectory)
            guard let children = try? fm.contentsOfDirectory(at: parent, includingPropertiesForKeys: [.isDirectoryKey])
            else { continue }
            for child in children.sorted(by: { $0.path < $1.path }) {
                guard (try? child.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true else { continue }
                let path = child.standardizedFileURL.path(percentEncoded: false)
                if targetFolders.contains(path) || targetFolders.contains(path + "/") { continue }
                var hasProto = false
                var hasSwift = false
                guard let files = fm.enumerator(at: child, includingPropertiesForKeys: nil) else { continue }
                for case let file as URL in files {
                    switch file.pathExtension {
                    case "proto": hasProto = true
                    case "swift": hasSwift = true
                    default: break
                    }
                }
                if hasProto && !hasSwift { result.append(child) }
            }
        }
        return result
    }

    /// `import "…"` lines of a file with their line numbers (a plain text scan).
    static func imports(of url: URL) -> [(line: Int, name: String)] {
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { return [] }
        var result: [(Int, String)] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard trimmed.hasPrefix("import") else { continue }
            guard let open = trimmed.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { continue }
            let rest = trimmed[trimmed.index(after: open)...]
            guard let close = rest.firstIndex(where: { $0 == "\"" || $0 == "'" }) else { continue }
            result.append((index + 1, String(rest[..<close])))
        }
        return result
    }
}
