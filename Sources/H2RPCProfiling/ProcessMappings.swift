import Glibc

/// One executable mapping of /proc/self/maps.
struct ProcessMapping: Sendable, Hashable {
    var start: UInt
    var limit: UInt
    var fileOffset: UInt
    var path: String
}

/// The executable mappings of this process, from /proc/self/maps.
enum ProcessMappings {
    static func current() -> [ProcessMapping] {
        guard let text = readFile("/proc/self/maps") else { return [] }
        return parse(text)
    }

    /// Lines like `55d0c1a00000-55d0c1b00000 r-xp 00002000 08:01 1234  /usr/bin/x`; executable ones only.
    static func parse(_ text: String) -> [ProcessMapping] {
        var result: [ProcessMapping] = []
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count >= 5, fields[1].contains("x") else { continue }
            let range = fields[0].split(separator: "-")
            guard range.count == 2, let start = UInt(range[0], radix: 16), let limit = UInt(range[1], radix: 16),
                let offset = UInt(fields[2], radix: 16)
            else { continue }
            let path = fields.count == 6 ? fields[5].trimmingLeadingSpaces() : ""
            result.append(ProcessMapping(start: start, limit: limit, fileOffset: offset, path: path))
        }
        return result
    }

    /// The path /proc/self/exe links to: the main executable.
    static func executablePath() -> String {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBufferPointer { b in
            b.withMemoryRebound(to: CChar.self) { readlink("/proc/self/exe", $0.baseAddress!, $0.count) }
        }
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : ""
    }

    private static func readFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingLeadingSpaces() -> String {
        String(drop(while: { $0 == " " }))
    }
}
