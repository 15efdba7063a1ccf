import EventIO
import H2
import Glibc
import Synchronization

/// A value behind a lock, shareable between closures.
final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    init(_ value: Value) { mutex = Mutex(value) }
    func withLock<R: Sendable>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
    var value: Value { mutex.withLock { $0 } }
}

/// Runs `body` on `loop` and returns its result.
func onLoop<T: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () throws -> T) async throws -> T {
    let result: Result<T, any Error> = await withUnsafeContinuation { continuation in
        loop.execute { continuation.resume(returning: Result { try body() }) }
    }
    return try result.get()
}

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

/// Server side of the loop layer: answers 200, echoes the body as it arrives, ends with a trailer.
final class LoopEchoHandler: H2StreamDelegate {
    let consume: Bool
    init(consume: Bool = true) { self.consume = consume }

    static func start(_ stream: H2Stream, _ head: H2Headers) -> any H2StreamDelegate {
        let handler = LoopEchoHandler()
        stream.sendHeaders([(":status", "200"), ("x-path", head.path ?? "")])
        return handler
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        stream.sendData(copying: bytes)
        if consume { stream.consume(bytes.count) }
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        stream.sendTrailers([("x-echo", "done")])
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {}
}

/// Client side of the loop layer: records what arrives; a test awaits the close.
final class StreamRecorder: H2StreamDelegate, @unchecked Sendable {
    struct Record: Sendable {
        var head: H2Headers?
        var data: [UInt8] = []
        var ended = false
        var trailers: H2Headers?
        var closed = false
        var error: H2Error?
        var writabilityChanges = 0
    }
    private let state = Mutex(Record())
    let consume: Bool

    init(consume: Bool = true) { self.consume = consume }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) { state.withLock { $0.head = head } }
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        state.withLock { record in bytes.withUnsafeBufferPointer { record.data.append(contentsOf: $0) } }
        if consume { stream.consume(bytes.count) }
    }
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        state.withLock {
            $0.ended = true
            $0.trailers = trailers
        }
    }
    func streamWritabilityChanged(_ stream: H2Stream) { state.withLock { $0.writabilityChanges += 1 } }
    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        state.withLock {
            $0.closed = true
            $0.error = error
        }
    }

    var record: Record { state.withLock { $0 } }

    /// Returns once the stream closed; polls so that a timeout can cancel it.
    func waitForClose() async throws {
        while !state.withLock({ $0.closed }) { try await Task.sleep(for: .milliseconds(2)) }
    }
}

/// Records connection-level events.
final class ConnectionRecorder: H2ConnectionDelegate, @unchecked Sendable {
    let goAways = Locked<[H2ErrorCode]>([])
    let closed = Locked<H2Error??>(nil)
    func connection(_ connection: H2Connection, didReceiveGoAway code: H2ErrorCode, lastStreamID: Int32) {
        goAways.withLock { $0.append(code) }
    }
    func connection(_ connection: H2Connection, didClose error: H2Error?) {
        closed.withLock { $0 = .some(error) }
    }
}

/// A loop-layer HTTP/2 server on 127.0.0.1 with an ephemeral port.
func startLoopServer(
    _ group: EventLoopGroup, configuration: H2Configuration = H2Configuration(),
    handler: @escaping @Sendable (H2Stream, H2Headers) -> any H2StreamDelegate = LoopEchoHandler.start
) throws -> TCPListener {
    try TCPListener.bind(to: .loopback(port: 0), group: group) { tcp in
        H2Connection.accept(tcp, configuration: configuration, streamHandler: handler)
    }
}

func requestHead(_ path: String = "/echo", method: String = "POST", port: Int) -> H2Headers {
    [(":method", method), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1:\(port)")]
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
