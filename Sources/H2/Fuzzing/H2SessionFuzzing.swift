package import EventIO

/// An HTTP/2 server session as one function of bytes, for the libFuzzer target in `FuzzTesting/` and
/// the corpus replay in the tests: the input, after the client connection preface, is everything a
/// client sends to a server session (nghttp2 through `H2Connection`, over an in-memory byte stream on
/// a real event loop). The first byte sets the read size (1–256 bytes per read), so that frames split
/// across reads are exercised too. Every request that ends is answered with 200 and a small body.
package enum H2SessionFuzzing {
    private static let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

    /// Runs one input through a fresh server session on `loop` and closes it; returns the number of
    /// bytes the session wrote. Call on `loop`'s thread. Never traps on any input.
    @discardableResult
    package static func run(_ input: [UInt8], on loop: EventLoop) -> Int {
        loop.preconditionInEventLoop()
        let stream = MemoryStream(loop: loop)
        let connection = H2Connection.accept(stream) { _, _ in Responder() }
        let readSize = Int(input.first ?? 0) + 1
        let bytes = preface + input.dropFirst()
        var offset = 0
        while offset < bytes.count, stream.isOpen {
            let end = min(offset + readSize, bytes.count)
            bytes[offset..<end].withUnsafeBufferPointer { stream.deliver($0.span) }
            offset = end
        }
        connection.close()
        stream.close()
        return stream.writtenBytes
    }

    /// The transport under the session: reads are injected, writes are counted and dropped.
    private final class MemoryStream: ByteStream {
        let loop: EventLoop
        private var delegate: (any ByteStreamDelegate)?
        private(set) var isOpen = true
        private(set) var writtenBytes = 0
        var remoteAddress: SocketAddress? { nil }
        var localAddress: SocketAddress? { nil }
        var isWritable: Bool { true }
        var pendingWriteBytes: Int { 0 }

        init(loop: EventLoop) { self.loop = loop }

        func start(delegate: any ByteStreamDelegate) { self.delegate = delegate }
        func deliver(_ bytes: Span<UInt8>) { if isOpen { delegate?.byteStreamDidRead(bytes) } }
        func write(_ bytes: Span<UInt8>) { writtenBytes += bytes.count }
        func write(_ bytes: [UInt8], range: Range<Int>) { writtenBytes += range.count }
        func flush() {}
        func closeAfterFlush() { close() }
        func close() {
            guard isOpen else { return }
            isOpen = false
            let delegate = self.delegate
            self.delegate = nil
            delegate?.byteStreamClosed(error: nil)
        }
    }

    /// Answers every request that ends with 200 and a small body; gives back flow-control window.
    private final class Responder: H2StreamDelegate {
        func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) { stream.consume(bytes.count) }
        func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
            stream.sendHeaders([(":status", "200")])
            stream.sendData([1, 2, 3], endStream: true)
        }
        func stream(_ stream: H2Stream, didClose error: H2Error?) {}
    }
}
