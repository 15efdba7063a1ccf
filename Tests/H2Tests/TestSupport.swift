import EventIO
import H2
import TestSupport

/// Server side of the loop layer: answers 200, echoes the body as it arrives, ends with a trailer.
final class LoopEchoHandler: H2StreamDelegate {
    let consume: Bool
    init(consume: Bool = true) { self.consume = consume }

    static func start(_ stream: H2Stream, _ head: H2Headers) -> any H2StreamDelegate {
        let handler = LoopEchoHandler()
        stream.sendHeaders([(":status", "200"), ("x-path", head.path ?? "")])
        return handler
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        stream.sendData(copying: bytes)
        if consume { stream.consume(bytes.count) }
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        stream.sendTrailers([("x-echo", "done")])
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {}
}

/// Client side of the loop layer: records what arrives; a test awaits the close.
final class StreamRecorder: H2StreamDelegate, @unchecked Sendable {
    struct Record: Sendable {
        var head: H2Headers?
        var data: [UInt8] = []
        var ended = false
        var trailers: H2Headers?
        var closed = false
        var error: H2Error?
        var writabilityChanges = 0
    }
    private let state = WaitableState(Record())
    let consume: Bool

    init(consume: Bool = true) { self.consume = consume }

    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) { state.update { $0.head = head } }
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        state.update { record in bytes.withUnsafeBufferPointer { record.data.append(contentsOf: $0) } }
        if consume { stream.consume(bytes.count) }
    }
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        state.update {
            $0.ended = true
            $0.trailers = trailers
        }
    }
    func streamWritabilityChanged(_ stream: H2Stream) { state.update { $0.writabilityChanges += 1 } }
    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        state.update {
            $0.closed = true
            $0.error = error
        }
    }

    var record: Record { state.withLock { $0 } }

    /// Returns once `condition` holds for what was recorded (a timeout around it cancels the wait).
    func wait(until condition: (Record) -> Bool) async throws {
        try await state.wait { condition($0) ? () : nil }
    }

    /// Returns once the stream closed (a timeout around it cancels the wait).
    func waitForClose() async throws {
        try await state.wait { $0.closed ? () : nil }
    }
}

/// Records connection-level events.
final class ConnectionRecorder: H2ConnectionDelegate, @unchecked Sendable {
    let goAways = Locked<[H2ErrorCode]>([])
    let closed = Locked<H2Error??>(nil)
    func connection(_ connection: H2Connection, didReceiveGoAway code: H2ErrorCode, lastStreamID: Int32) {
        goAways.withLock { $0.append(code) }
    }
    func connection(_ connection: H2Connection, didClose error: H2Error?) {
        closed.withLock { $0 = .some(error) }
    }
}

/// A loop-layer HTTP/2 server on 127.0.0.1 with an ephemeral port.
func startLoopServer(
    _ group: EventLoopGroup, configuration: H2Configuration = H2Configuration(),
    handler: @escaping @Sendable (H2Stream, H2Headers) -> any H2StreamDelegate = LoopEchoHandler.start
) throws -> TCPListener {
    try TCPListener.bind(to: .loopback(port: 0), group: group) { tcp in
        H2Connection.accept(tcp, configuration: configuration, streamHandler: handler)
    }
}

func requestHead(_ path: String = "/echo", method: String = "POST", port: Int) -> H2Headers {
    [(":method", method), (":scheme", "http"), (":path", path), (":authority", "127.0.0.1:\(port)")]
}
