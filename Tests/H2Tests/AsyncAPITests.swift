import TestSupport
import EventIO
import H2
import Testing

@Suite struct AsyncAPITests {
    /// The same echo the h2-echo executable serves, written against the async API.
    static let echo: H2Server.Handler = { request, response in
        response.sendHeaders([(":status", "200")])
        for try await chunk in request.body { try await response.write(chunk) }
        response.finish(trailers: [("x-bytes", "done")])
    }

    @Test func asyncServerAndClientEchoABody() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let server = try H2Server.start(port: 0, group: group, handler: Self.echo)
        let client = try await H2Client.connect(host: "127.0.0.1", port: server.localAddress.port, group: group)
        let body = patternBytes(3 << 20, seed: 5)
        let response = try await client.request(method: "POST", path: "/echo", body: body)
        #expect(response.status == 200)
        #expect(Bool(response.body == body))
        #expect(response.trailers?["x-bytes"] == "done")
        await client.close()
        await server.shutdown()
        #expect(server.connectionCount == 0)
    }

    @Test func streamingCallReadsResponseWhileStillWriting() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let server = try H2Server.start(port: 0, group: group, handler: Self.echo)
        let client = try await H2Client.connect(host: "127.0.0.1", port: server.localAddress.port, group: group)
        let call = try await client.call(method: "POST", path: "/echo")
        var iterator = call.body.makeAsyncIterator()
        // Each chunk comes back before the next is sent: the body streams, it is not buffered whole.
        for round in 0..<20 {
            let chunk = [UInt8](repeating: UInt8(round), count: 1000)
            try await call.writer.write(chunk)
            var received: [UInt8] = []
            while received.count < chunk.count, let part = try await iterator.next() { received += part }
            #expect(received == chunk)
        }
        call.writer.finish()
        #expect(try await iterator.next() == nil)
        #expect(try await call.responseHead().status == 200)
        await client.close()
        await server.shutdown()
    }

    @Test func handlerThatThrowsResetsOnlyItsStream() async throws {
        struct Boom: Error {}
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let server = try H2Server.start(port: 0, group: group) { request, response in
            if request.head.path == "/boom" { throw Boom() }
            response.sendHeaders([(":status", "204")], endStream: true)
        }
        let client = try await H2Client.connect(host: "127.0.0.1", port: server.localAddress.port, group: group)
        await #expect(throws: H2Error.streamReset(.internalError)) {
            _ = try await client.request(path: "/boom")
        }
        #expect(try await client.request(path: "/fine").status == 204)
        await client.close()
        await server.shutdown()
    }

    @Test func gracefulShutdownLetsStreamInFlightFinishAndRefusesNewConnections() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let server = try H2Server.start(port: 0, group: group, handler: Self.echo)
        let port = server.localAddress.port
        let client = try await H2Client.connect(host: "127.0.0.1", port: port, group: group)
        let call = try await client.call(method: "POST", path: "/echo")
        try await call.writer.write([1, 2, 3])
        #expect(try await call.responseHead().status == 200)
        let shutdown = Task { await server.shutdown() }
        // The stream in flight still works while the server shuts down (shutdown waits for it).
        try await call.writer.write([4, 5])
        call.writer.finish()
        #expect(try await call.body.collect() == [1, 2, 3, 4, 5])
        await shutdown.value
        #expect(server.connectionCount == 0)
        await #expect(throws: H2Error.self) {
            _ = try await H2Client.connect(host: "127.0.0.1", port: port, group: group).request(path: "/")
        }
    }
}
