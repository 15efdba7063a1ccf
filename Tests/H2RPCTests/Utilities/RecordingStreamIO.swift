import EventIO
import H2
import Synchronization
@testable import H2RPC

/// An in-memory `RPCStreamIO` that records what the server sends, to test ServerStream without a socket.
final class RecordingStreamIO: RPCStreamIO, @unchecked Sendable {
    enum Event: Equatable {
        case headers([HeaderField], endStream: Bool)
        case data([UInt8], endStream: Bool)
        case trailers([HeaderField])
        case reset(H2ErrorCode)
    }

    private let recorded = LockedValue<[Event]>([])
    private let consumedBytes = Atomic<Int>(0)
    /// The status the response ended with, once it ended.
    private let ended = Promise<CallEnd>()
    var events: [Event] { recorded.withLock { $0 } }
    var consumed: Int { consumedBytes.load(ordering: .relaxed) }
    var isWritable = true

    func sendHeaders(_ headers: [HeaderField], endStream: Bool) {
        recorded.withLock { $0.append(.headers(headers, endStream: endStream)) }
        if endStream { ended.complete(ResponseStatus.parse(headers)) }
    }
    func sendData(_ bytes: [UInt8], endStream: Bool) {
        recorded.withLock { $0.append(.data(bytes, endStream: endStream)) }
    }
    func sendTrailers(_ headers: [HeaderField]) {
        recorded.withLock { $0.append(.trailers(headers)) }
        ended.complete(ResponseStatus.parse(headers))
    }
    func reset(_ code: H2ErrorCode) { recorded.withLock { $0.append(.reset(code)) } }
    func consume(_ byteCount: Int) { consumedBytes.add(byteCount, ordering: .relaxed) }

    /// The status the recorded response ended with (from trailers or Trailers-Only), if it ended.
    var end: CallEnd? {
        for e in events.reversed() {
            switch e {
            case .trailers(let h): return ResponseStatus.parse(h)
            case .headers(let h, endStream: true): return ResponseStatus.parse(h)
            default: continue
            }
        }
        return nil
    }

    /// Response messages sent (deframed).
    func messages() throws -> [ReceivedMessage] {
        var d = MessageDeframer(maxMessageSize: 1 << 30)
        for case .data(let bytes, _) in events { d.append(bytes) }
        var out: [ReceivedMessage] = []
        while let m = try d.next() { out.append(m) }
        return out
    }

    /// Waits until the response ended (trailers or Trailers-Only) and returns its status.
    func waitForEnd() async -> CallEnd? { try? await ended.wait() }
}

/// Runs `body` on `loop` and returns its result; the loop runs work in order, so this also waits
/// for everything queued on the loop before it.
func onLoop<T: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () -> T) async -> T {
    await loop.submit(body)
}

/// Request headers for `path`, plus `extra`.
func requestHeaders(_ path: String, _ extra: [HeaderField] = []) -> [HeaderField] {
    [
        HeaderField(":method", "POST"), HeaderField(":scheme", "http"), HeaderField(":path", path),
        HeaderField(":authority", "localhost"), HeaderField("content-type", "application/grpc"),
        HeaderField("te", "trailers"),
    ] + extra
}

/// A framed message (prefix + protobuf bytes).
func framed(_ m: EchoMessage) -> [UInt8] {
    var bytes = m.serializedBytes(headroom: 5)
    MessageFramer.writePrefix(into: &bytes, compressed: false)
    return bytes
}
