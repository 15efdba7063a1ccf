import TestSupport
import EventIO
import H2
import Testing

@Suite struct LoopLayerTests {
    @Test func echoStreamWithTrailersEndToEnd() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let listener = try startLoopServer(group)
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        let recorder = StreamRecorder()
        let body = Array("hello, h2".utf8)
        _ = try await connection.loop.submit {
            let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
            stream.sendData(body, endStream: true)
            return stream.id
        }
        try await withTimeout(10, "echo stream") { try await recorder.waitForClose() }
        let record = recorder.record
        #expect(record.head?.status == 200)
        #expect(record.head?["x-path"] == "/echo")
        #expect(Bool(record.data == body))
        #expect(record.trailers?["x-echo"] == "done")
        #expect(record.error == nil)
        connection.close()
        await listener.close()
    }

    @Test func hundredConcurrentStreamsEchoByteExact() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let serverSocket = Locked<TCPConnection?>(nil)
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { tcp in
            serverSocket.withLock { $0 = tcp }
            H2Connection.accept(tcp, streamHandler: LoopEchoHandler.start)
        }
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        let recorders = (0..<100).map { _ in StreamRecorder() }
        let bodies = (0..<100).map { patternBytes(1000 + $0 * 700, seed: UInt32($0 + 1)) }
        try await connection.loop.submit {
            for index in 0..<100 {
                let stream = try connection.openStream(
                    requestHead("/s/\(index)", port: port), delegate: recorders[index])
                stream.sendData(bodies[index], endStream: true)
            }
        }
        for recorder in recorders {
            try await withTimeout(20, "stream") { try await recorder.waitForClose() }
        }
        for index in 0..<100 {
            let record = recorders[index].record
            #expect(record.data.count == bodies[index].count && record.data == bodies[index], "stream \(index)")
            #expect(record.head?["x-path"] == "/s/\(index)")
            #expect(record.error == nil)
        }
        // Batching: 100 streams' HEADERS, DATA and trailers (300+ frames) left in far fewer sendmsg calls.
        let server = try #require(serverSocket.value)
        let serverWrites = await server.loop.submit { server.writeSyscalls }
        #expect(serverWrites < 100)
        connection.close()
        await listener.close()
    }

    @Test func fourMebibyteBodyStreamsThroughSmallWindows() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        var configuration = H2Configuration()
        configuration.initialWindowSize = 65_535
        configuration.connectionWindowSize = 65_535
        let listener = try startLoopServer(group, configuration: configuration)
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(
            to: listener.localAddress, on: group.loops[0], configuration: configuration)
        let recorder = StreamRecorder()
        let body = patternBytes(4 << 20, seed: 9)
        try await connection.loop.submit {
            let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
            // In 64 KiB pieces, as a streaming writer would.
            var offset = 0
            while offset < body.count {
                let end = min(offset + 65_536, body.count)
                stream.sendData(Array(body[offset..<end]), endStream: end == body.count)
                offset = end
            }
        }
        try await withTimeout(60, "4 MiB echo") { try await recorder.waitForClose() }
        let record = recorder.record
        #expect(record.data.count == body.count)
        #expect(Bool(record.data == body))
        #expect(record.error == nil)
        connection.close()
        await listener.close()
    }

    @Test func slowReaderHoldsFastWriterMemoryBounded() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        var configuration = H2Configuration()
        configuration.initialWindowSize = 256 * 1024
        configuration.streamWriteHighWaterMark = 512 * 1024
        let received = WaitableState(0)
        let serverStream = Locked<H2Stream?>(nil)
        // The server reads but never consumes: the stream window stays shut after 256 KiB.
        final class NonConsumer: H2StreamDelegate {
            let received: WaitableState<Int>
            init(_ received: WaitableState<Int>) { self.received = received }
            func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
                let count = bytes.count
                received.update { $0 += count }
            }
            func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {}
            func stream(_ stream: H2Stream, didClose error: H2Error?) {}
        }
        let listener = try startLoopServer(group, configuration: configuration) { stream, _ in
            serverStream.withLock { $0 = stream }
            stream.sendHeaders([(":status", "200")])
            return NonConsumer(received)
        }
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(
            to: listener.localAddress, on: group.loops[0], configuration: configuration)
        let recorder = StreamRecorder()
        let chunk = patternBytes(64 * 1024)
        // The writer sends while the stream says it is writable, as a suspending writer would.
        let stream = try await connection.loop.submit { () throws -> H2Stream in
            let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
            return stream
        }
        var written = 0
        for _ in 0..<1000 {
            let (writable, queued) = await connection.loop.submit { () -> (Bool, Int) in
                if stream.isWritable { stream.sendData(chunk) }
                return (stream.isWritable, stream.queuedOutboundBytes)
            }
            if writable {
                written += chunk.count
            } else {
                #expect(queued <= configuration.streamWriteHighWaterMark + chunk.count)
                break
            }
        }
        // The reader takes exactly one stream window and no more.
        let window = Int(configuration.initialWindowSize)
        try await withTimeout(10, "one window") { try await received.wait { $0 >= window ? () : nil } }
        let queued = await connection.loop.submit { stream.queuedOutboundBytes }
        let serverReceived = received.value
        // Bounded: the reader holds at most one stream window, the writer at most its high-water mark.
        #expect(serverReceived <= Int(configuration.initialWindowSize))
        #expect(serverReceived > 0)
        #expect(queued <= configuration.streamWriteHighWaterMark + chunk.count)
        #expect(written < 8 << 20)
        // Consuming reopens the window and the writer drains.
        let server = try #require(serverStream.value)
        server.consume(serverReceived)
        try await withTimeout(10, "more after the window reopened") {
            try await received.wait { $0 > serverReceived ? () : nil }
        }
        stream.reset()
        connection.close()
        await listener.close()
    }

    @Test func clientResetReachesServerAsCancel() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let serverRecorder = StreamRecorder()
        let listener = try startLoopServer(group) { stream, _ in
            stream.sendHeaders([(":status", "200")])
            return serverRecorder
        }
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        let recorder = StreamRecorder()
        let stream = try await connection.loop.submit {
            try connection.openStream(requestHead(port: port), delegate: recorder)
        }
        stream.sendData([1, 2, 3])
        try await withTimeout(5, "the data at the server") { try await serverRecorder.wait { $0.data == [1, 2, 3] } }
        stream.reset(.cancel)
        try await withTimeout(5, "server close") { try await serverRecorder.waitForClose() }
        #expect(serverRecorder.record.error == .streamReset(.cancel))
        #expect(serverRecorder.record.data == [1, 2, 3])
        try await withTimeout(5, "client close") { try await recorder.waitForClose() }
        #expect(recorder.record.error == .streamReset(.cancel))
        connection.close()
        await listener.close()
    }

    @Test func pingMeasuresRoundTrip() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try startLoopServer(group)
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        let rtt = Promise<Duration?>()
        await connection.loop.submit { connection.ping { rtt.complete($0) } }
        let measured = try #require(try await rtt.wait())
        #expect(measured > .zero)
        connection.close()
        await listener.close()
    }
}
