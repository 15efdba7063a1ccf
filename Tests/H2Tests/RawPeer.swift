import TestSupport
import EventIO
import H2

/// A hand-written HTTP/2 peer over a raw TCP connection, for feeding a server bytes that a real
/// client library would refuse to send.
final class RawPeer: TCPConnectionDelegate, @unchecked Sendable {
    struct Frame: Equatable, Sendable {
        var type: UInt8
        var flags: UInt8
        var stream: UInt32
        var payload: [UInt8]
        /// The error code of a GOAWAY or RST_STREAM frame.
        var errorCode: UInt32? {
            switch type {
            case 7 where payload.count >= 8: return UInt32(bytes: payload[4..<8])
            case 3 where payload.count >= 4: return UInt32(bytes: payload[0..<4])
            default: return nil
            }
        }
    }

    static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// What the peer has received so far, as a `waitFor` condition sees it.
    struct Received: Sendable {
        var bytes: [UInt8] = []
        var isClosed = false
        /// The error the connection closed with (nil: a clean close, e.g. the server's FIN).
        var closeError: IOError?
        /// Frames received so far (a trailing partial frame is left out).
        var frames: [Frame] { RawPeer.parse(bytes) }
    }

    let connection: TCPConnection
    private let state = WaitableState(Received())

    private init(connection: TCPConnection) { self.connection = connection }

    /// Connects and, on the loop right away, sends `initialBytes` (so that a busy test runner
    /// cannot delay them past the server's preface timeout).
    static func connect(
        to address: SocketAddress, on loop: EventLoop, options: SocketOptions = SocketOptions(),
        sending initialBytes: [UInt8] = [], pauseReading: Bool = false
    ) async throws -> RawPeer {
        let tcp = try await TCPConnection.connect(to: address, on: loop, options: options)
        return await loop.submit {
            let peer = RawPeer(connection: tcp)
            tcp.start(delegate: peer)
            if !initialBytes.isEmpty { tcp.write(initialBytes) }
            if pauseReading { tcp.pauseReading() }
            return peer
        }
    }

    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        state.update { state in
            bytes.withUnsafeBufferPointer { state.bytes.append(contentsOf: $0) }
        }
    }

    func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        state.update { state in
            state.isClosed = true
            state.closeError = error
        }
    }

    var isClosed: Bool { state.withLock { $0.isClosed } }
    var closeError: IOError? { state.withLock { $0.closeError } }

    func send(_ bytes: [UInt8]) {
        let tcp = connection
        tcp.loop.execute { tcp.write(bytes) }
    }

    func close() {
        let tcp = connection
        tcp.loop.execute { tcp.close() }
    }

    /// Frames received so far (a trailing partial frame is left out).
    var frames: [Frame] { Self.parse(state.withLock { $0.bytes }) }

    static func parse(_ bytes: [UInt8]) -> [Frame] {
        var frames: [Frame] = []
        var offset = 0
        while offset + 9 <= bytes.count {
            let length = Int(bytes[offset]) << 16 | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2])
            guard offset + 9 + length <= bytes.count else { break }
            frames.append(
                Frame(
                    type: bytes[offset + 3], flags: bytes[offset + 4],
                    stream: UInt32(bytes: bytes[offset + 5..<offset + 9]) & 0x7FFF_FFFF,
                    payload: Array(bytes[offset + 9..<offset + 9 + length])))
            offset += 9 + length
        }
        return frames
    }

    /// Waits until `condition` holds for what was received; checked again on every arrival. Fails
    /// with `TimeoutError` after `seconds` (a guard against a hang, not a measurement).
    func waitFor(_ what: String, seconds: Double = 10, _ condition: @escaping @Sendable (Received) -> Bool) async throws
    {
        let state = self.state
        try await withTimeout(seconds, what) {
            try await state.wait { condition($0) ? () : nil }
        }
    }

    // MARK: - Frame builders

    static func frame(type: UInt8, flags: UInt8 = 0, stream: UInt32 = 0, payload: [UInt8] = []) -> [UInt8] {
        let length = payload.count
        return [UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF), type, flags]
            + stream.bigEndianBytes + payload
    }

    static func settings(_ entries: [(UInt16, UInt32)] = []) -> [UInt8] {
        frame(
            type: 4,
            payload: entries.flatMap { id, value in
                [UInt8(id >> 8), UInt8(id & 0xFF)] + value.bigEndianBytes
            })
    }

    /// A request HEADERS frame encoded by hand with HPACK static-table entries:
    /// `:method POST|GET`, `:scheme http`, `:path` (literal), `:authority a`.
    static func headers(stream: UInt32, get: Bool = false, path: String = "/", endStream: Bool = false) -> [UInt8] {
        let pathBytes = Array(path.utf8)
        var block: [UInt8] = [get ? 0x82 : 0x83, 0x86]
        block += [0x04, UInt8(pathBytes.count)] + pathBytes  // literal without indexing, name :path (4)
        block += [0x01, 0x01, UInt8(ascii: "a")]  // literal without indexing, name :authority (1)
        return frame(type: 1, flags: 0x04 | (endStream ? 0x01 : 0), stream: stream, payload: block)
    }

    static func data(stream: UInt32, _ bytes: [UInt8], endStream: Bool = false) -> [UInt8] {
        frame(type: 0, flags: endStream ? 1 : 0, stream: stream, payload: bytes)
    }

    static func windowUpdate(stream: UInt32, increment: UInt32) -> [UInt8] {
        frame(type: 8, stream: stream, payload: increment.bigEndianBytes)
    }
}

extension UInt32 {
    init(bytes: ArraySlice<UInt8>) {
        self = bytes.reduce(0) { $0 << 8 | UInt32($1) }
    }
    var bigEndianBytes: [UInt8] {
        [UInt8(self >> 24 & 0xFF), UInt8(self >> 16 & 0xFF), UInt8(self >> 8 & 0xFF), UInt8(self & 0xFF)]
    }
}
