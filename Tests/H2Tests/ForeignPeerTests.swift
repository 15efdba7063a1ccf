import TestSupport
import EventIO
import Glibc
import H2
import Testing

/// Our client against a foreign server: nghttpd (Debian nghttp2-server), cleartext.
@Suite struct ForeignPeerTests {
    @Test func clientFetchesFilesFromNghttpdByteExact() async throws {
        let directory = "/tmp/h2-nghttpd-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        mkdir(directory, 0o755)
        defer {
            unlink("\(directory)/data.bin")
            rmdir(directory)
        }
        let content = patternBytes(3 << 20, seed: 11)
        let file = fopen("\(directory)/data.bin", "w")!
        _ = content.withUnsafeBufferPointer { fwrite($0.baseAddress, 1, $0.count, file) }
        fclose(file)

        let port = try freePort()
        // -v: nghttpd writes "IPv4: listen 0.0.0.0:PORT" once it listens (and then a line per frame).
        let nghttpd = try ChildProcess(
            "/usr/sbin/nghttpd", ["--no-tls", "-v", "-d", directory, "\(port)"], mergeStderr: true)
        defer { nghttpd.signal(SIGTERM) }
        let ready = try await nghttpd.output(containing: "IPv4: listen")
        try #require(ready != nil, "nghttpd exited before listening: \(nghttpd.transcript)")
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let client = try await H2Client.connect(host: "127.0.0.1", port: port, group: group)
        // Ten concurrent GETs on one connection.
        try await withThrowingTaskGroup(of: H2Client.Response.self) { tasks in
            for _ in 0..<10 { tasks.addTask { try await client.request(path: "/data.bin") } }
            for try await response in tasks {
                #expect(response.status == 200)
                #expect(response.head["server"]?.hasPrefix("nghttpd") == true)
                #expect(Bool(response.body == content))
            }
        }
        let missing = try await client.request(path: "/no-such-file")
        #expect(missing.status == 404)
        await client.close()
    }
}
