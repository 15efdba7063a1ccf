import TestSupport
import EventIO
@testable import H2
import Testing

/// A closed connection is freed: its session's timers and pings hold it strongly (no weak
/// references, which would put every retain of the session on the runtime's slow path), so
/// teardown must let go of them.
@Suite struct ConnectionLifetimeTests {
    final class Weak: @unchecked Sendable {
        weak var connection: H2Connection?
        weak var session: NGHTTP2Session?
    }

    @Test func closedClientConnectionAndSessionAreDeallocated() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try startLoopServer(group)
        let port = listener.localAddress.port
        let observed = Weak()
        let closed = Promise<Void>()
        final class CloseWatcher: H2ConnectionDelegate {
            let closed: Promise<Void>
            init(_ closed: Promise<Void>) { self.closed = closed }
            func connection(_ connection: H2Connection, didClose error: H2Error?) { closed.complete(()) }
        }
        let loop = group.loops[0]
        do {
            let connection = try await H2Connection.connect(
                to: listener.localAddress, on: loop, delegate: CloseWatcher(closed))
            observed.connection = connection
            observed.session = connection.session
            let recorder = StreamRecorder()
            _ = try await connection.loop.submit {
                let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
                stream.sendData(Array("x".utf8), endStream: true)
                return stream.id
            }
            try await withTimeout(10, "echo stream") { try await recorder.waitForClose() }
            // A ping in flight at close holds a completion too.
            await connection.loop.submit { connection.ping { _ in } }
            connection.close()
        }
        try await withTimeout(10, "the connection closes") { try await closed.wait() }
        // Teardown let go of everything (timers, pings, the stream table) in the turn that closed the
        // connection: once that turn is over, nothing holds either object. A session that teardown
        // forgot would be held by its tick timer.
        let freed = await loop.submit { observed.connection == nil && observed.session == nil }
        #expect(freed)
        await listener.close()
    }
}
