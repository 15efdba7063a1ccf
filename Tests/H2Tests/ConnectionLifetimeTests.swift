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
        do {
            let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
            observed.connection = connection
            observed.session = connection.session
            let recorder = StreamRecorder()
            _ = try await onLoop(connection.loop) {
                let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
                stream.sendData(Array("x".utf8), endStream: true)
                return stream.id
            }
            try await withTimeout(10, "echo stream") { try await recorder.waitForClose() }
            // A ping in flight at close holds a completion too.
            try await onLoop(connection.loop) { connection.ping { _ in } }
            connection.close()
        }
        // Within half a second: a session that teardown forgot would be held by its 1 s tick timer at least that long.
        try await withTimeout(0.5, "connection and session freed") {
            while try await onLoop(group.loops[0], { observed.connection != nil || observed.session != nil }) { try await Task.sleep(for: .milliseconds(5)) }
        }
        await listener.close()
    }
}
