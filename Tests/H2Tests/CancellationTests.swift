import EventIO
import H2
import TestSupport
import Testing

/// Every async API of H2 returns `H2Error.cancelled` promptly when its task is cancelled while it
/// waits, and what it was waiting for is cleaned up.
@Suite struct CancellationTests {
    /// A server whose handler sends a head (or not) and then waits, without reading the body, until
    /// the test releases it.
    final class Fixture: Sendable {
        let group: EventLoopGroup
        let server: H2Server
        let client: H2Client
        let release = Promise<Void>()

        init(sendHead: Bool = true, clientConfiguration: H2Configuration = H2Configuration()) async throws {
            group = try EventLoopGroup(loopCount: 2)
            var serverConfiguration = H2Configuration()
            serverConfiguration.initialWindowSize = 65_535
            let release = self.release
            server = try H2Server.start(port: 0, group: group, configuration: serverConfiguration) { _, response in
                if sendHead { response.sendHeaders([(":status", "200")]) }
                try await release.wait()
            }
            client = try await H2Client.connect(
                host: "127.0.0.1", port: server.localAddress.port, group: group, configuration: clientConfiguration)
        }

        func finish() async {
            release.complete(())
            await client.close()
            await server.shutdown()
            group.shutdown()
        }
    }

    @Test func bodyNextReturnsCancelledWhenItsTaskIsCancelled() async throws {
        let fixture = try await Fixture()
        let call = try await fixture.client.call(method: "POST", path: "/wait")
        #expect(try await call.responseHead().status == 200)
        let reader = Task { () async throws(H2Error) -> [UInt8] in try await call.body.collect() }
        reader.cancel()
        await #expect(throws: H2Error.cancelled) { try await reader.value }
        await fixture.finish()
    }

    @Test func writerWriteReturnsCancelledWhileWaitingForTheWindow() async throws {
        var configuration = H2Configuration()
        configuration.streamWriteHighWaterMark = 1024
        let fixture = try await Fixture(clientConfiguration: configuration)
        let call = try await fixture.client.call(method: "POST", path: "/wait")
        // More than the server's 64 KiB window, which it never opens: the write must wait.
        let writer = Task { () async throws in try await call.writer.write(patternBytes(200_000)) }
        writer.cancel()
        await #expect(throws: H2Error.cancelled) { try await writer.value }
        await fixture.finish()
    }

    @Test func responseHeadReturnsCancelledWhenItsTaskIsCancelled() async throws {
        let fixture = try await Fixture(sendHead: false)
        let call = try await fixture.client.call(method: "POST", path: "/wait")
        let waiter = Task { () async throws(H2Error) -> H2Headers in try await call.responseHead() }
        waiter.cancel()
        await #expect(throws: H2Error.cancelled) { try await waiter.value }
        await fixture.finish()
    }

    @Test func callReturnsCancelledAndResetsTheStreamItOpened() async throws {
        let fixture = try await Fixture()
        let client = fixture.client
        let task = Task { () async throws(H2Error) -> H2Client.Call in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.call(method: "POST", path: "/wait")
        }
        // The stream opens on the loop at once; a Call that is ready before the cancelled task looks
        // is returned (dropping it would leak the stream), else the task gets `.cancelled` and the
        // stream is reset.
        switch await task.result {
        case .success(let call): call.writer.reset()
        case .failure(let error): #expect(error as? H2Error == .cancelled)
        }
        // The connection still works.
        let call = try await client.call(method: "POST", path: "/wait")
        #expect(try await call.responseHead().status == 200)
        await fixture.finish()
    }

    /// Connecting in a cancelled task returns `.cancelled` at once (unless the connection is already
    /// there); a TCP connection that completes later is closed instead of being left open.
    @Test func connectReturnsCancelledAndClosesTheLateConnection() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let serverClosed = Promise<Void>()
        final class CloseWatcher: H2ConnectionDelegate {
            let closed: Promise<Void>
            init(_ closed: Promise<Void>) { self.closed = closed }
            func connection(_ connection: H2Connection, didClose error: H2Error?) { closed.complete(()) }
        }
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { tcp in
            H2Connection.accept(tcp, delegate: CloseWatcher(serverClosed), streamHandler: LoopEchoHandler.start)
        }
        let address = listener.localAddress
        let loop = group.loops[0]
        let task = Task { () async throws(H2Error) -> H2Connection in
            withUnsafeCurrentTask { $0?.cancel() }
            return try await H2Connection.connect(to: address, on: loop)
        }
        // A connection that is ready before the cancelled task looks is returned (dropping it would
        // leak it); else the task gets `.cancelled` and the connection is closed when it completes.
        switch await task.result {
        case .success(let connection): connection.close()
        case .failure(let error): #expect(error as? H2Error == .cancelled)
        }
        try await withTimeout(10, "the server sees the connection close") { try await serverClosed.wait() }
        await listener.close()
    }
}
