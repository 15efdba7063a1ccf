import TestSupport
import EventIO
import Glibc
import H2
import Testing

@Suite struct CleanShutdownTests {
    @Test func stoppingServerAndClientLeavesNoThreadSocketOrTask() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        let running = Locked(0)
        let finished = Locked(0)
        let server = try H2Server.start(port: 0, group: group) { request, response in
            running.withLock { $0 += 1 }
            defer {
                running.withLock { $0 -= 1 }
                finished.withLock { $0 += 1 }
            }
            response.sendHeaders([(":status", "200")])
            for try await chunk in request.body { try await response.write(chunk) }
            response.finish()
        }
        let port = server.localAddress.port
        var clients: [H2Client] = []
        for _ in 0..<4 {
            let client = try await H2Client.connect(host: "127.0.0.1", port: port, group: group)
            for _ in 0..<5 { _ = try await client.request(method: "POST", path: "/", body: [1, 2, 3]) }
            clients.append(client)
        }
        #expect(openSockets(onPort: port) == 9)  // listener + 4 connections, both ends
        for client in clients { await client.close() }
        await server.shutdown()
        group.shutdown()
        #expect(finished.value == 20)
        #expect(running.value == 0)
        #expect(server.connectionCount == 0)
        #expect(openSockets(onPort: port) == 0)
        #expect(threadCount(namedWithPrefix: group.threadNamePrefix) == 0)
    }
}
