// libFuzzer entry point: arbitrary bytes, after the client connection preface, as everything a client
// sends to an HTTP/2 server session (nghttp2 through H2's session, over an in-memory byte stream on a
// real event loop). The first byte sets the read size (1–256 bytes per read), so frames split across
// reads are exercised too. The session must answer or close — never crash, hang, leak a stream past
// the connection's close, or read memory it does not own (AddressSanitizer).
import Dispatch
import EventIO
import H2

/// The transport under the session: reads are injected by the fuzzer, writes are counted and dropped.
final class MemoryStream: ByteStream {
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
final class Responder: H2StreamDelegate {
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) { stream.consume(bytes.count) }
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        stream.sendHeaders([(":status", "200")])
        stream.sendData([1, 2, 3], endStream: true)
    }
    func stream(_ stream: H2Stream, didClose error: H2Error?) {}
}

let group = try! EventLoopGroup(loopCount: 1)
let loop = group.next()
let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzH2Session(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    let done = DispatchSemaphore(value: 0)
    loop.execute {
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
        done.signal()
    }
    done.wait()
    return 0
}
