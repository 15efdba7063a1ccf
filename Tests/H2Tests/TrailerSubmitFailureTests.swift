import EventIO
@testable import H2
import TestSupport
import Testing

@Suite struct TrailerSubmitFailureTests {
    /// The response's trailers cannot be queued in nghttp2 (as when it runs out of memory): the
    /// stream is reset with INTERNAL_ERROR instead of staying open without its END_STREAM, and the
    /// connection keeps serving.
    @Test func aTrailerSubmitThatFailsResetsTheStreamAndTheConnectionServesOn() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let failNext = LockedValue(true)
        let listener = try startLoopServer(group) { stream, head in
            if failNext.withLock({ fail in
                defer { fail = false }; return fail
            }) {
                stream.connection.session.trailerSubmitFault = -901  // NGHTTP2_ERR_NOMEM
            }
            return LoopEchoHandler.start(stream, head)
        }
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        let body = Array("no trailers for this one".utf8)
        let first = StreamRecorder()
        try await connection.loop.submit { () throws(H2Error) in
            try connection.openStream(requestHead(port: port), delegate: first).sendData(body, endStream: true)
        }
        try await withTimeout(10, "the stream whose trailers failed") { try await first.waitForClose() }
        #expect(first.record.head?.status == 200)
        #expect(first.record.trailers == nil)
        #expect(first.record.error == .streamReset(.internalError))

        let second = StreamRecorder()
        try await connection.loop.submit { () throws(H2Error) in
            try connection.openStream(requestHead(port: port), delegate: second).sendData(body, endStream: true)
        }
        try await withTimeout(10, "the next stream") { try await second.waitForClose() }
        #expect(second.record.error == nil)
        #expect(second.record.data == body)
        #expect(second.record.trailers?["x-echo"] == "done")
        connection.close()
        await listener.close()
    }
}
