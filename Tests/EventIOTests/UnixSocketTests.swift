import EventIO
import Glibc
import Testing
import TestSupport

/// Unix-domain sockets: listen on a path with given permissions, connect to it, replace a stale
/// socket file, refuse a live one, remove the file on close.
@Suite struct UnixSocketTests {
    /// A fresh directory for this test's socket files.
    func temporaryDirectory() throws -> String {
        var template = Array("/tmp/eventio-unix-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw IOError(.system(errno: errno), operation: "mkdtemp") }
        return String(cString: made)
    }

    func fileMode(_ path: String) -> mode_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_mode : nil
    }

    func echoListener(_ path: String, _ group: EventLoopGroup, permissions: UInt32? = nil) throws -> TCPListener {
        try TCPListener.bind(to: SocketAddress(unixPath: path), group: group, unixPermissions: permissions) {
            connection in
            connection.start(delegate: EchoDelegate())
        }
    }

    @Test func echoesOverAUnixSocketWithTheGivenPermissionsAndRemovesTheFile() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let path = try temporaryDirectory() + "/echo.sock"
        let listener = try echoListener(path, group, permissions: 0o600)
        #expect(listener.localAddress.unixPath == path)
        #expect(listener.localAddress.description == "unix:\(path)")
        let mode = try #require(fileMode(path))
        #expect(mode & S_IFMT == S_IFSOCK)
        #expect(mode & 0o777 == 0o600)
        let (client, collector) = try await connectCollector(to: SocketAddress(unixPath: path), on: group.loops[0])
        #expect(client.remoteAddress?.unixPath == path)
        let payload = patternBytes(1 << 20, seed: 3)
        client.loop.execute { client.write(payload) }
        try await withTimeout(30, "1 MiB echo over a Unix socket") { try await collector.waitForBytes(payload.count) }
        #expect(collector.bytes == payload)
        await client.loop.submit { client.close() }
        await listener.close()
        #expect(fileMode(path) == nil)
    }

    @Test func permissionsCanBeWiderThanTheUmask() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let path = try temporaryDirectory() + "/shared.sock"
        let listener = try echoListener(path, group, permissions: 0o666)
        #expect(fileMode(path).map { $0 & 0o777 } == 0o666)
        await listener.close()
    }

    @Test func staleSocketFileOfADeadServerIsReplaced() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let path = try temporaryDirectory() + "/stale.sock"
        // A socket bound and closed without unlinking: what a killed server leaves behind.
        let dead = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        _ = try SocketAddress(unixPath: path).description  // valid path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: Array(path.utf8)) }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(dead, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        close(dead)
        #expect(fileMode(path).map { $0 & S_IFMT } == S_IFSOCK)
        let listener = try echoListener(path, group)
        let (client, collector) = try await connectCollector(to: SocketAddress(unixPath: path), on: group.loops[0])
        client.loop.execute { client.write(Array("after stale".utf8)) }
        try await withTimeout(10, "echo after replacing a stale socket") { try await collector.waitForBytes(11) }
        #expect(collector.bytes == Array("after stale".utf8))
        await client.loop.submit { client.close() }
        await listener.close()
    }

    @Test func liveSocketFileIsAnErrorAndStaysServed() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let path = try temporaryDirectory() + "/live.sock"
        let first = try echoListener(path, group)
        let error = #expect(throws: IOError.self) { try echoListener(path, group) }
        #expect(error?.errno == EADDRINUSE)
        #expect(error?.description.contains("live process") == true)
        let (client, collector) = try await connectCollector(to: SocketAddress(unixPath: path), on: group.loops[0])
        client.loop.execute { client.write(Array("still here".utf8)) }
        try await withTimeout(10, "echo from the first listener") { try await collector.waitForBytes(10) }
        #expect(collector.bytes == Array("still here".utf8))
        await client.loop.submit { client.close() }
        await first.close()
    }

    @Test func regularFileAtThePathIsNeitherReplacedNorRemoved() throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let path = try temporaryDirectory() + "/not-a-socket"
        let fd = open(path, O_CREAT | O_WRONLY, 0o600)
        close(fd)
        let error = #expect(throws: IOError.self) { try echoListener(path, group) }
        #expect(error?.errno == EADDRINUSE)
        #expect(fileMode(path).map { $0 & S_IFMT } == S_IFREG)
    }

    @Test func connectingToAMissingPathIsATypedError() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let path = try temporaryDirectory() + "/missing.sock"
        let error = await #expect(throws: IOError.self) {
            _ = try await TCPConnection.connect(to: SocketAddress(unixPath: path), on: group.loops[0])
        }
        #expect(error?.errno == ENOENT)
    }

    @Test func pathsThatDoNotFitAreInvalidAddresses() {
        let long = "/tmp/" + String(repeating: "x", count: 120)
        let error = #expect(throws: IOError.self) { try SocketAddress(unixPath: long) }
        #expect(error?.kind == .invalidAddress("unix:\(long)"))
        #expect(throws: IOError.self) { try SocketAddress(unixPath: "") }
    }
}
