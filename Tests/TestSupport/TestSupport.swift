// Helpers shared by the test targets: process census from /proc, timeouts, child-process spawning, test bytes.
public import Glibc

/// Open file descriptors of this process (entries of /proc/self/fd).
public func openDescriptorCount() -> Int {
    guard let dir = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(dir) }
    var count = 0
    while readdir(dir) != nil { count += 1 }
    return count - 3  // ".", ".." and the directory stream itself
}

/// A value behind a lock, shareable between closures. The lock is a `pthread_mutex_t`, which
/// ThreadSanitizer sees (it does not see `Synchronization.Mutex` with Swift 6.3 on Linux).
public final class Locked<Value: Sendable>: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var stored: Value
    public init(_ value: Value) {
        stored = value
        pthread_mutex_init(mutex, nil)
    }
    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }
    public func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body(&stored)
    }
    public var value: Value { withLock { $0 } }
}

public struct TimeoutError: Error, CustomStringConvertible {
    public let what: String
    public init(what: String) { self.what = what }
    public var description: String { "timed out: \(what)" }
}

/// `body`'s result, or `TimeoutError` once `seconds` have passed.
public func withTimeout<T: Sendable>(
    _ seconds: Double, _ what: String, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            throw TimeoutError(what: what)
        }
        let result = try await group.next()!
        group.cancelAll()
        return result
    }
}

/// Deterministic test bytes.
public func patternBytes(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
    var state = seed &* 2_654_435_761 | 1
    return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
        var index = 0
        while index < count {
            state ^= state << 13
            state ^= state >> 17
            state ^= state << 5
            var word = state
            for _ in 0..<min(4, count - index) {
                buffer[index] = UInt8(truncatingIfNeeded: word)
                word >>= 8
                index += 1
            }
        }
        initialized = count
    }
}

/// This process's open sockets whose local or remote TCP port is `port` (from /proc/net/tcp{,6}
/// joined with /proc/self/fd). Exact even while other tests run in parallel.
public func openSockets(onPort port: Int) -> Int {
    var inodes = Set<String>()
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        guard let text = readTextFile(table) else { continue }
        for line in text.split(separator: "\n").dropFirst() {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            guard columns.count > 9 else { continue }
            let local = columns[1].split(separator: ":").last.flatMap { Int($0, radix: 16) }
            let remote = columns[2].split(separator: ":").last.flatMap { Int($0, radix: 16) }
            if local == port || remote == port { inodes.insert(String(columns[9])) }
        }
    }
    var count = 0
    guard let dir = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(dir) }
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        var target = [CChar](repeating: 0, count: 256)
        let length = readlink("/proc/self/fd/\(name)", &target, 255)
        guard length > 0 else { continue }
        let link = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if link.hasPrefix("socket:["), inodes.contains(String(link.dropFirst(8).dropLast())) { count += 1 }
    }
    return count
}

/// Thread IDs of this process whose name starts with `prefix`; nil when /proc cannot be read.
public func threadIDs(namedWithPrefix prefix: String) -> [String]? {
    guard let dir = opendir("/proc/self/task") else { return nil }
    defer { closedir(dir) }
    var ids: [String] = []
    while let entry = readdir(dir) {
        let tid = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if tid.hasPrefix(".") { continue }
        if let comm = readTextFile("/proc/self/task/\(tid)/comm"), comm.hasPrefix(prefix) { ids.append(tid) }
    }
    return ids
}

/// Threads of this process whose name starts with `prefix` (−1 when /proc cannot be read).
public func threadCount(namedWithPrefix prefix: String) -> Int {
    threadIDs(namedWithPrefix: prefix)?.count ?? -1
}

public func readTextFile(_ path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = fread(&chunk, 1, chunk.count, file)
        if n <= 0 { break }
        bytes.append(contentsOf: chunk.prefix(n))
    }
    return String(decoding: bytes, as: UTF8.self)
}

/// Makes a `posix_spawn` child close every descriptor above stderr before it runs, so that a
/// long-lived child (nghttpd, a Python peer) never holds the write end of a pipe another test is
/// reading to its end: tests run in parallel, and a pipe created by one of them while another
/// spawns would otherwise stay open in the child until it exits. glibc 2.34 has
/// `posix_spawn_file_actions_addclosefrom_np`, which Swift's Glibc module does not export
/// (it is behind `_GNU_SOURCE`); it is looked up by name.
public func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
    typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else {
        preconditionFailure("glibc without posix_spawn_file_actions_addclosefrom_np (needs 2.34 or later)")
    }
    let closeFrom = unsafeBitCast(symbol, to: CloseFrom.self)
    let result = closeFrom(&actions, 3)
    precondition(result == 0, "posix_spawn_file_actions_addclosefrom_np: \(String(cString: strerror(result)))")
}

/// A failed system call of a test helper.
public struct SystemCallError: Error, CustomStringConvertible {
    public let call: String
    public let code: Int32
    public init(call: String, code: Int32) {
        self.call = call
        self.code = code
    }
    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// A loopback port that was free a moment ago (bound, read, closed): for a child server that must
/// be told its port up front.
public func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SystemCallError(call: "socket", code: errno) }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw SystemCallError(call: "bind", code: errno) }
    _ = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    return Int(UInt16(bigEndian: address.sin_port))
}

/// A TCP port on 127.0.0.1 bound without listening while the value lives: connections to it are
/// refused, and no other socket of the machine can take the port meanwhile.
public final class RefusingPort: Sendable {
    private let fd: Int32

    /// Binds 127.0.0.1:`port`; nil when something else holds the port.
    public init?(port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else {
            close(fd)
            return nil
        }
        self.fd = fd
    }

    deinit { close(fd) }
}
