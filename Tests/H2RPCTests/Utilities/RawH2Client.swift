import EventIO
import H2
@testable import H2RPC

/// A plain HTTP/2 client stream that records the response, for sending requests that the
/// RPCChannel would never send (bad headers, broken frames).
final class RawResponseRecorder: H2StreamDelegate, @unchecked Sendable {
    private let lock = LockedValue<
        (head: [HeaderField]?, data: [UInt8], trailers: [HeaderField]?, closed: Bool, error: H2Error?)
    >(
        (nil, [], nil, false, nil))
    let done = Promise<Void>()

    var head: [HeaderField]? { lock.withLock { $0.head } }
    var data: [UInt8] { lock.withLock { $0.data } }
    var trailers: [HeaderField]? { lock.withLock { $0.trailers } }
    var closeError: H2Error? { lock.withLock { $0.error } }

    /// The status from trailers, or from a Trailers-Only head.
    var end: CallEnd? {
        if let t = trailers { return ResponseStatus.parse(t) }
        if let h = head, h.contains(where: { $0.name == "grpc-status" }) { return ResponseStatus.parse(h) }
        return nil
    }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) { lock.withLock { $0.head = head.fields } }
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        bytes.withUnsafeBufferPointer { b in lock.withLock { $0.data.append(contentsOf: b) } }
        stream.consume(bytes.count)
    }
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        if let trailers { lock.withLock { $0.trailers = trailers.fields } }
    }
    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        lock.withLock {
            $0.closed = true
            $0.error = error
        }
        done.complete(())
    }

    /// Waits for the stream to close (false only when the waiting task is cancelled).
    func waitClosed() async -> Bool { (try? await done.wait()) != nil }
}

/// Opens one raw stream to `port` and returns the connection and the stream.
func rawRequest(
    port: Int, headers: [HeaderField], body: [UInt8]? = nil, endStream: Bool = true, recorder: RawResponseRecorder
) async throws -> (H2Connection, H2Stream) {
    let group = try ClientEventLoops.shared(busyPoll: nil)
    let loop = group.next()
    let connection = try await H2Connection.connect(to: SocketAddress(host: "127.0.0.1", port: port), on: loop)
    let stream: H2Stream = try await loop.submit { () throws(H2Error) -> H2Stream in
        let s = try connection.openStream(H2Headers(headers), endStream: body == nil && endStream, delegate: recorder)
        if let body { s.sendData(body, endStream: endStream) }
        return s
    }
    return (connection, stream)
}
