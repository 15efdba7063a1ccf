import EventIO
import H2TLS

/// The raw-TCP baseline server: echoes every frame and serves download requests, on the same event
/// loops and socket layer as H2.
public final class TCPBenchServer: BenchServer {
    public let kind = BenchProtocolKind.tcp
    public let port: Int
    private let group: EventLoopGroup
    private let listener: TCPListener

    private init(group: EventLoopGroup, listener: TCPListener) {
        self.group = group
        self.listener = listener
        self.port = listener.localAddress.port
    }

    /// Starts listening; with `tls`, every connection is a TLS server stream over the socket.
    public static func start(
        host: String, port: Int, threads: Int?, busyPoll: Duration? = nil, tls: BenchTLSFiles? = nil
    ) throws(BenchError) -> TCPBenchServer {
        let tlsContext = try tls?.makeServerContext()
        let group = try BenchEventLoops.start(
            threads, defaultCount: EventLoopGroup.coreCount, busyPoll: busyPoll, failure: BenchError.listen)
        do {
            let address = try SocketAddress(host: host, port: port)
            // Downloads keep little in flight: a 128 KiB send buffer (the kernel doubles it) and 256/128 KiB
            // write watermarks. With autotuned buffers and 1-4 MiB queued, the bytes in flight outgrew the
            // caches and download-1x1-64KiB fell to 1.4-2.9 GB/s with 5 ms stalls; bounded, 4.8-5.0 GB/s.
            var options = SocketOptions()
            options.sendBufferSize = 128 << 10
            let listener = try TCPListener.bind(to: address, group: group, options: options) { connection in
                connection.highWaterMark = 256 << 10
                connection.lowWaterMark = 128 << 10
                if let tlsContext {
                    guard let stream = try? TLSByteStream(accepted: connection, context: tlsContext) else {
                        connection.close()
                        return
                    }
                    stream.start(delegate: TCPEchoHandler(stream))
                } else {
                    connection.start(delegate: TCPEchoHandler(connection))
                }
            }
            return TCPBenchServer(group: group, listener: listener)
        } catch {
            group.shutdown()
            throw IOErrors.listen(error, host: host, port: port)
        }
    }

    public func stop() async {
        await listener.close()
        group.shutdown()
    }
}

/// One server connection: echoes frames as their bytes arrive (the payload is passed through, never
/// buffered whole), and streams downloads as fast as the socket drains, pausing reads meanwhile
/// (on plain TCP; over TLS, bytes that arrive during a download wait in `pending`).
final class TCPEchoHandler: ByteStreamDelegate {
    private let connection: any ByteStream
    /// Over TLS, written bytes wait as plaintext until the end of the loop turn and the socket's
    /// writability does not count them: the pump flushes them through TLS itself every 256 KiB.
    private let flushesItself: Bool
    /// True inside `pump`: a flush may report writability at once, which must not pump again.
    private var pumping = false
    private var splitter = TCPFrameSplitter()
    private var inDownloadRequest = false
    private var requestBody: [UInt8] = []
    /// Bytes that arrived while a download was being sent; handled after it.
    private var pending: [UInt8] = []
    private var download: (size: Int, remaining: Int)?
    private var downloadPayload: [UInt8] = []
    private var downloadHeader: [UInt8] = []
    private var headerScratch: [UInt8] = [0, 0, 0, 0]

    init(_ connection: any ByteStream) {
        self.connection = connection
        flushesItself = !(connection is TCPConnection)
    }

    func byteStreamDidRead(_ bytes: Span<UInt8>) {
        if download != nil {
            appendPending(bytes, from: 0)
            return
        }
        consume(bytes)
    }

    private func consume(_ bytes: Span<UInt8>) {
        var offset = 0
        while let (event, next) = splitter.next(bytes, from: offset) {
            offset = next
            switch event {
            case .header(let value):
                if value & TCPFraming.downloadFlag != 0 {
                    guard value == TCPFraming.downloadFlag | UInt32(TCPFraming.downloadRequestSize) else {
                        connection.close()
                        return
                    }
                    inDownloadRequest = true
                    requestBody.removeAll(keepingCapacity: true)
                    splitter.expectPayload(TCPFraming.downloadRequestSize)
                } else {
                    guard value <= UInt32(TCPFraming.maxFrame) else {
                        // Not our framing (an HTTP/2 preface reads as 1.3 GB): hang up.
                        connection.close()
                        return
                    }
                    headerScratch[0] = UInt8(truncatingIfNeeded: value >> 24)
                    headerScratch[1] = UInt8(truncatingIfNeeded: value >> 16)
                    headerScratch[2] = UInt8(truncatingIfNeeded: value >> 8)
                    headerScratch[3] = UInt8(truncatingIfNeeded: value)
                    connection.write(headerScratch.span)
                    splitter.expectPayload(Int(value))
                }
            case .payload(let at, let count, let frameDone):
                if inDownloadRequest {
                    for i in at..<(at + count) { requestBody.append(bytes[i]) }
                    if frameDone {
                        inDownloadRequest = false
                        guard let (size, total) = TCPFraming.parseDownloadRequest(requestBody) else {
                            connection.close()
                            return
                        }
                        startDownload(size: size, count: total)
                        if download != nil {
                            appendPending(bytes, from: offset)
                            return
                        }
                    }
                } else {
                    connection.write(bytes.extracting(at..<(at + count)))
                }
            }
        }
    }

    private func appendPending(_ bytes: Span<UInt8>, from offset: Int) {
        pending.append(bytes, from: offset)
    }

    private func startDownload(size: Int, count: Int) {
        if downloadPayload.count != size {
            downloadPayload = [UInt8](repeating: 0x5A, count: size)
            downloadHeader = TCPFraming.header(UInt32(size))
        }
        download = (size, count)
        (connection as? TCPConnection)?.pauseReading()
        pump()
    }

    /// Queues frames until the connection's output is above its high-water mark.
    private func pump() {
        guard !pumping else { return }
        pumping = true
        defer { pumping = false }
        while let current = download, connection.isOpen {
            if flushesItself && connection.pendingWriteBytes >= 256 << 10 { connection.flush() }
            guard connection.isWritable else { break }
            connection.write(downloadHeader.span)
            connection.write(downloadPayload, range: 0..<downloadPayload.count)
            if current.remaining == 1 {
                download = nil
                (connection as? TCPConnection)?.resumeReading()
                let rest = pending
                pending = []
                if !rest.isEmpty { consume(rest.span) }
            } else {
                download = (current.size, current.remaining - 1)
            }
        }
    }

    func byteStreamWritabilityChanged() {
        if connection.isWritable { pump() }
    }

    func byteStreamClosed(error: IOError?) {
        download = nil
        pending = []
    }
}
