import EventIO
import Glibc
import Synchronization

/// Open file descriptors of this process (entries of /proc/self/fd).
func openDescriptorCount() -> Int {
    guard let dir = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(dir) }
    var count = 0
    while readdir(dir) != nil { count += 1 }
    return count - 3  // ".", ".." and the directory stream itself
}

/// Echoes every byte back.
final class EchoDelegate: TCPConnectionDelegate {
    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        connection.write(bytes)
    }
    func connectionClosed(_ connection: TCPConnection, error: IOError?) {}
}

/// Collects what arrives and lets a test wait for a byte count or for the close.
final class Collector: TCPConnectionDelegate, @unchecked Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
        var closeError: IOError?
        var waiters: [(Int, UnsafeContinuation<Void, Never>)] = []
        var closeWaiters: [UnsafeContinuation<Void, Never>] = []
        var writabilityChanges = 0
    }
    private let state = Mutex(State())

    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        let ready: [UnsafeContinuation<Void, Never>] = state.withLock { state in
            bytes.withUnsafeBufferPointer { state.bytes.append(contentsOf: $0) }
            let count = state.bytes.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    func connectionWritabilityChanged(_ connection: TCPConnection) {
        state.withLock { $0.writabilityChanges += 1 }
    }

    func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        let ready: [UnsafeContinuation<Void, Never>] = state.withLock { state in
            state.closed = true
            state.closeError = error
            let ready = state.closeWaiters + state.waiters.map(\.1)
            state.closeWaiters.removeAll()
            state.waiters.removeAll()
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var isClosed: Bool { state.withLock { $0.closed } }
    var closeError: IOError? { state.withLock { $0.closeError } }
    var writabilityChanges: Int { state.withLock { $0.writabilityChanges } }

    /// Returns once at least `count` bytes arrived or the connection closed; polls so that a timeout can cancel it.
    func waitForBytes(_ count: Int) async throws {
        while !state.withLock({ $0.bytes.count >= count || $0.closed }) { try await Task.sleep(for: .milliseconds(2)) }
    }

    /// Returns once the connection closed.
    func waitForClose() async throws {
        while !state.withLock({ $0.closed }) { try await Task.sleep(for: .milliseconds(2)) }
    }
}

/// Runs `body` on `loop` and returns its result.
func onLoop<T: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () -> T) async -> T {
    await withUnsafeContinuation { continuation in
        loop.execute { continuation.resume(returning: body()) }
    }
}

/// Fails the test task with a clear message when `body` takes longer than `seconds`.
struct TimeoutError: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out: \(what)" }
}

func withTimeout<T: Sendable>(
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
func patternBytes(_ count: Int, seed: UInt32 = 1) -> [UInt8] {
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

/// A value behind a lock, shareable between closures.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// This process's open sockets whose local or remote TCP port is `port` (from /proc/net/tcp{,6}
/// joined with /proc/self/fd). Exact even while other tests run in parallel.
func openSockets(onPort port: Int) -> Int {
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

/// Threads of this process whose name starts with `prefix`.
func threadCount(namedWithPrefix prefix: String) -> Int {
    guard let dir = opendir("/proc/self/task") else { return -1 }
    defer { closedir(dir) }
    var count = 0
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name.hasPrefix(".") { continue }
        if let comm = readTextFile("/proc/self/task/\(name)/comm"), comm.hasPrefix(prefix) { count += 1 }
    }
    return count
}

func readTextFile(_ path: String) -> String? {
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
