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
        let nghttpd = try ChildProcess("/usr/sbin/nghttpd", ["--no-tls", "-d", directory, "\(port)"])
        defer { nghttpd.stop() }
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        // nghttpd needs a moment to listen.
        var client: H2Client?
        for _ in 0..<100 {
            client = try? await H2Client.connect(host: "127.0.0.1", port: port, group: group)
            if client != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        let connected = try #require(client)
        // Ten concurrent GETs on one connection.
        try await withThrowingTaskGroup(of: H2Client.Response.self) { tasks in
            for _ in 0..<10 { tasks.addTask { try await connected.request(path: "/data.bin") } }
            for try await response in tasks {
                #expect(response.status == 200)
                #expect(response.head["server"]?.hasPrefix("nghttpd") == true)
                #expect(Bool(response.body == content))
            }
        }
        let missing = try await connected.request(path: "/no-such-file")
        #expect(missing.status == 404)
        await connected.close()
    }
}
