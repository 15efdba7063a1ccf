import TestSupport
import EventIO
import H2
import Testing

/// A header block sent again (the same array: a client's request block, a server's constant head
/// and trailers) goes out from the session's cache of converted blocks; it must carry exactly its
/// fields every time, and blocks that differ must not be mistaken for a cached one.
@Suite struct RepeatedHeaderBlockTests {
    @Test func sameBlockOnManyStreamsThenOthersArriveIntact() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let paths = ["/a-path-longer-than-sixteen", "/b"]
        let listener = try startLoopServer(group) { stream, head in
            // The server answers with one of two constant blocks (by path) and a constant trailer block.
            stream.sendHeaders(head.path == paths[0] ? Self.firstHead : Self.secondHead)
            return TrailerEcho()
        }
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        let blocks = paths.map { requestHead($0, port: port) }
        // Each block 6 times (the cache converts a block seen twice), interleaved with fresh ones.
        var plan: [(H2Headers, String)] = []
        for round in 0..<6 {
            plan.append((blocks[0], paths[0]))
            plan.append((blocks[1], paths[1]))
            let fresh = "/fresh-\(round)-padding-padding"
            plan.append((requestHead(fresh, port: port), fresh))
        }
        for (index, (head, path)) in plan.enumerated() {
            let recorder = StreamRecorder()
            _ = try await connection.loop.submit {
                let stream = try connection.openStream(head, delegate: recorder)
                stream.sendData(Array("x".utf8), endStream: true)
                return stream.id
            }
            try await withTimeout(10, "stream \(index)") { try await recorder.waitForClose() }
            let record = recorder.record
            let expected = path == paths[0] ? Self.firstHead : Self.secondHead
            #expect(record.head?.fields == expected.fields, "stream \(index) \(path)")
            #expect(record.trailers?.fields == Self.trailers.fields, "stream \(index)")
        }
        connection.close()
        await listener.close()
    }

    static let firstHead: H2Headers = [
        (":status", "200"), ("x-path", "/a-path-longer-than-sixteen"), ("x-kind", "first"),
    ]
    static let secondHead: H2Headers = [
        (":status", "200"), ("x-path", "/b"), ("x-other", "a value longer than sixteen bytes"),
    ]
    static let trailers: H2Headers = [("x-echo", "done"), ("x-count", "1")]

    final class TrailerEcho: H2StreamDelegate {
        func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) { stream.consume(bytes.count) }
        func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
            stream.sendTrailers(RepeatedHeaderBlockTests.trailers)
        }
        func stream(_ stream: H2Stream, didClose error: H2Error?) {}
    }
}
