import EventIO
import Foundation
import H2
import Testing

/// Every input of the H2 session fuzz corpus (FuzzTesting/Seeds-H2Session, and any crash or slow
/// input saved next to it in FuzzTesting/Regressions-H2Session) replays here as the fuzz target
/// runs it: after the client preface, in reads of (first byte + 1) bytes, into a server session
/// over an in-memory byte stream on a real event loop. The session must answer or close, never
/// crash or hang.
@Suite struct FuzzCorpusReplayTests {
    /// Reads are injected; writes are counted and dropped.
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

    final class Responder: H2StreamDelegate {
        func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) { stream.consume(bytes.count) }
        func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
            stream.sendHeaders([(":status", "200")])
            stream.sendData([1, 2, 3], endStream: true)
        }
        func stream(_ stream: H2Stream, didClose error: H2Error?) {}
    }

    static let fuzzDirectory = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("FuzzTesting")

    static var corpus: [String] {
        ["Seeds-H2Session", "Regressions-H2Session"].flatMap { directory -> [String] in
            let path = fuzzDirectory.appendingPathComponent(directory).path
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.sorted().map { "\(directory)/\($0)" }
        }
    }

    @Test func theCorpusIsThere() {
        let count: Int = Self.corpus.count
        #expect(count >= 8)
    }

    @Test(arguments: corpus)
    func replay(_ name: String) async throws {
        let input = try [UInt8](Data(contentsOf: Self.fuzzDirectory.appendingPathComponent(name)))
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let loop = group.loops[0]
        let preface = Array("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".utf8)
        let written: Int = await loop.submit { () -> Int in
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
        // At least the server's SETTINGS went out.
        let settingsSent: Bool = written >= 9
        #expect(settingsSent)
    }
}
