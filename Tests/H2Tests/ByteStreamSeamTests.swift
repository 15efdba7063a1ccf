import EventIO
import H2
import TestSupport
import Testing

/// A `ByteStream` that drives a `TCPConnection` as its delegate and presents itself to HTTP/2, as a
/// TLS layer does; it counts the bytes that pass through it.
final class RelayStream: ByteStream, TCPConnectionDelegate, @unchecked Sendable {
    let tcp: TCPConnection
    private var delegate: (any ByteStreamDelegate)?
    private(set) var bytesRead = 0
    private(set) var bytesWritten = 0
    private(set) var writabilityChanges = 0

    init(_ tcp: TCPConnection) { self.tcp = tcp }

    var loop: EventLoop { tcp.loop }
    var remoteAddress: SocketAddress? { tcp.remoteAddress }
    var localAddress: SocketAddress? { tcp.localAddress }
    var isOpen: Bool { tcp.isOpen }
    var isWritable: Bool { tcp.isWritable }
    var pendingWriteBytes: Int { tcp.pendingWriteBytes }

    func start(delegate: any ByteStreamDelegate) {
        self.delegate = delegate
        tcp.start(delegate: self as any TCPConnectionDelegate)
    }

    func write(_ bytes: Span<UInt8>) {
        bytesWritten += bytes.count
        tcp.write(bytes)
    }

    func write(_ bytes: [UInt8], range: Range<Int>) {
        bytesWritten += range.count
        tcp.write(bytes, range: range)
    }

    func flush() { tcp.flush() }
    func close() { tcp.close() }
    func closeAfterFlush() { tcp.closeAfterFlush() }

    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        bytesRead += bytes.count
        delegate?.byteStreamDidRead(bytes)
    }

    func connectionWritabilityChanged(_ connection: TCPConnection) {
        writabilityChanges += 1
        delegate?.byteStreamWritabilityChanged()
    }

    func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        let delegate = self.delegate
        self.delegate = nil
        delegate?.byteStreamClosed(error: error)
    }
}

@Suite struct ByteStreamSeamTests {
    /// HTTP/2 on both sides runs over a stream that is not a `TCPConnection` (a relay over one):
    /// an echo with trailers completes, every byte of it passed through the relays, and the
    /// relays' addresses are the connection's.
    @Test func http2RunsOverAnyByteStreamOnBothSides() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let serverRelay = LockedValue<RelayStream?>(nil)
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { tcp in
            let relay = RelayStream(tcp)
            serverRelay.withLock { $0 = relay }
            H2Connection.accept(relay, streamHandler: LoopEchoHandler.start)
        }
        let port = listener.localAddress.port
        let tcp = try await TCPConnection.connect(to: listener.localAddress, on: group.loops[0])
        let clientRelay = RelayStream(tcp)
        let recorder = StreamRecorder()
        let body = patternBytes(200_000, seed: 9)
        let connection = try await tcp.loop.submit { () throws(H2Error) -> H2Connection in
            let connection = H2Connection.connect(over: clientRelay)
            let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
            stream.sendData(body, endStream: true)
            return connection
        }
        try await withTimeout(20, "echo over relays") { try await recorder.waitForClose() }
        let record = recorder.record
        #expect(record.head?.status == 200)
        // Bool(...): on a mismatch swift-testing would diff the megabytes on a thread of the pool for minutes.
        #expect(Bool(record.data == body), "\(record.data.count) bytes echoed of \(body.count)")
        #expect(record.trailers?["x-echo"] == "done")
        #expect(record.error == nil)

        let (clientRead, clientWritten, address) = await tcp.loop.submit {
            (clientRelay.bytesRead, clientRelay.bytesWritten, connection.localAddress)
        }
        #expect(clientWritten > body.count)
        #expect(clientRead > body.count)
        #expect(address == tcp.localAddress)
        let server = try #require(serverRelay.value)
        let (serverRead, serverWritten) = await server.loop.submit { (server.bytesRead, server.bytesWritten) }
        // The request went through both relays (window updates may still be in flight).
        #expect(serverRead > body.count && serverRead <= clientWritten)
        #expect(serverWritten >= clientRead)
        connection.close()
        await listener.close()
    }
}
