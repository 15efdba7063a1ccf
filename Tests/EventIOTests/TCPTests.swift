import TestSupport
import EventIO
import Glibc
import Testing

/// Starts an echo server on 127.0.0.1 (or `host`) with an ephemeral port.
func startEchoServer(
    _ group: EventLoopGroup, host: String = "127.0.0.1", options: SocketOptions = SocketOptions()
)
    throws -> TCPListener
{
    try TCPListener.bind(to: SocketAddress(host: host, port: 0), group: group, options: options) { connection in
        connection.start(delegate: EchoDelegate())
    }
}

/// Connects a collecting client and starts it on its loop.
func connectCollector(
    to address: SocketAddress, on loop: EventLoop, options: SocketOptions = SocketOptions()
)
    async throws -> (TCPConnection, Collector)
{
    let connection = try await TCPConnection.connect(to: address, on: loop, options: options)
    let collector = Collector()
    await loop.submit { connection.start(delegate: collector) }
    return (connection, collector)
}

@Suite struct TCPTests {
    @Test func echoesFourMebibytesByteExact() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let listener = try startEchoServer(group)
        let (client, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        let payload = patternBytes(4 << 20)
        // One owned 4 MiB write: the kernel takes it in pieces, the rest waits for EPOLLOUT.
        client.loop.execute { client.write(payload) }
        try await withTimeout(30, "4 MiB echo") { try await collector.waitForBytes(payload.count) }
        #expect(collector.bytes == payload)
        await client.loop.submit { client.close() }
        await listener.close()
    }

    @Test func manySmallWritesInOneTurnArriveInOrder() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try startEchoServer(group)
        let (client, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        let payload = patternBytes(100_000, seed: 7)
        let before = await client.loop.submit { client.writeSyscalls }
        await client.loop.submit {
            var index = 0
            while index < payload.count {
                let end = min(index + 1 + index % 97, payload.count)
                let piece = Array(payload[index..<end])
                client.write(piece.span)
                index = end
            }
        }
        try await withTimeout(10, "small writes echo") { try await collector.waitForBytes(payload.count) }
        #expect(collector.bytes == payload)
        // About 2,000 writes in one loop turn left in a single gathered sendmsg.
        #expect(await client.loop.submit { client.writeSyscalls } - before == 1)
        await listener.close()
    }

    @Test func echoesOverIPv6Loopback() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try startEchoServer(group, host: "::1")
        #expect(listener.localAddress.isIPv6)
        let (client, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        #expect(client.remoteAddress?.host == "::1")
        let payload = Array("hello over v6".utf8)
        client.loop.execute { client.write(payload) }
        try await withTimeout(10, "v6 echo") { try await collector.waitForBytes(payload.count) }
        #expect(collector.bytes == payload)
        await listener.close()
    }

    @Test func socketOptionsTakeEffect() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try startEchoServer(group)
        var options = SocketOptions()
        options.keepAlive = .init(idle: .seconds(33), interval: .seconds(7), count: 4)
        options.receiveBufferSize = 96 * 1024
        let (client, _) = try await connectCollector(to: listener.localAddress, on: group.loops[0], options: options)
        #expect(client.option(.noDelay) != 0)
        #expect(client.option(.keepAlive) == 1)
        #expect(client.option(.keepAliveIdle) == 33)
        #expect(client.option(.keepAliveInterval) == 7)
        #expect(client.option(.keepAliveCount) == 4)
        // Linux doubles SO_RCVBUF for bookkeeping.
        #expect(client.option(.receiveBuffer) == 2 * 96 * 1024)
        var plain = SocketOptions()
        plain.noDelay = false
        let (other, _) = try await connectCollector(to: listener.localAddress, on: group.loops[0], options: plain)
        #expect(other.option(.noDelay) == 0)
        await listener.close()
    }

    @Test func reusePortPutsOneListenerOnEveryLoop() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        var options = SocketOptions()
        options.reusePort = true
        let accepted = Locked<Set<Int>>([])
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group, options: options) { connection in
            accepted.withLock { _ = $0.insert(connection.loop.index) }
            connection.start(delegate: EchoDelegate())
        }
        #expect(openSockets(onPort: listener.localAddress.port) == 2)
        var clients: [TCPConnection] = []
        for _ in 0..<64 {
            let (client, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
            client.loop.execute { client.write([1]) }
            try await withTimeout(5, "echo") { try await collector.waitForBytes(1) }
            clients.append(client)
        }
        // The kernel hashes connections over both sockets; 64 all landing on one has odds 2^-63.
        #expect(accepted.value == [0, 1])
        for client in clients { await client.loop.submit { client.close() } }
        await listener.close()
    }

    @Test func connectionRefusedIsATypedError() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        // Bind then close to get a port nobody listens on.
        let listener = try startEchoServer(group)
        let address = listener.localAddress
        await listener.close()
        await #expect(throws: IOError(.system(errno: ECONNREFUSED), operation: "connect")) {
            _ = try await TCPConnection.connect(to: address, on: group.loops[0])
        }
    }

    @Test func invalidAddressIsATypedError() {
        #expect(throws: IOError.self) { _ = try SocketAddress(host: "not an address!", port: 80) }
        #expect(throws: IOError(.invalidAddress("127.0.0.1:70000"), operation: "address")) {
            _ = try SocketAddress(host: "127.0.0.1", port: 70000)
        }
    }

    @Test func peerCloseIsNoticedAtOnce() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        defer { group.shutdown() }
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { connection in
            connection.start(delegate: EchoDelegate())
            connection.close()
        }
        let (_, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        try await withTimeout(5, "close noticed") { try await collector.waitForClose() }
        #expect(collector.isClosed)
        #expect(collector.closeError == nil)
        await listener.close()
    }

    @Test func slowReaderMakesWriterUnwritableThenDrains() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let serverSide = Locked<TCPConnection?>(nil)
        let received = Collector()
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { connection in
            connection.start(delegate: received)
            connection.pauseReading()
            serverSide.withLock { $0 = connection }
        }
        let (client, writerEvents) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        let chunk = patternBytes(1 << 20, seed: 3)
        // Write until the connection says stop: the peer reads nothing, so this must happen.
        let (queued, writable) = await client.loop.submit { () -> (Int, Bool) in
            var total = 0
            while client.isWritable && total < 256 << 20 {
                client.write(chunk)
                total += chunk.count
                client.flush()
            }
            return (total, client.isWritable)
        }
        #expect(!writable)
        #expect(queued < 256 << 20)
        #expect(writerEvents.writabilityChanges == 1)
        let server = try #require(serverSide.value)
        server.loop.execute { server.resumeReading() }
        try await withTimeout(30, "drain") { try await received.waitForBytes(queued) }
        #expect(received.bytes.count == queued)
        #expect(await client.loop.submit { client.isWritable })
        #expect(writerEvents.writabilityChanges == 2)
        await listener.close()
    }

    @Test func closedConnectionsLeaveNoSocketsBehind() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        // Server side: echo, and count the connections closed.
        let serverClosed = WaitableState(0)
        final class CountingEcho: TCPConnectionDelegate {
            let closed: WaitableState<Int>
            init(_ closed: WaitableState<Int>) { self.closed = closed }
            func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) { connection.write(bytes) }
            func connectionClosed(_ connection: TCPConnection, error: IOError?) { closed.update { $0 += 1 } }
        }
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { connection in
            connection.start(delegate: CountingEcho(serverClosed))
        }
        let port = listener.localAddress.port
        var clients: [(TCPConnection, Collector)] = []
        for _ in 0..<200 {
            clients.append(try await connectCollector(to: listener.localAddress, on: group.next()))
        }
        for (client, collector) in clients {
            client.loop.execute { client.write([42]) }
            try await withTimeout(5, "echo") { try await collector.waitForBytes(1) }
        }
        #expect(openSockets(onPort: port) == 401)  // listener + both ends of 200 connections
        for (client, collector) in clients {
            client.loop.execute { client.close() }
            try await withTimeout(5, "close") { try await collector.waitForClose() }
        }
        await listener.close()
        // The server side notices each close on its loop and closes its end.
        try await withTimeout(10, "the server's ends closed") { try await serverClosed.wait { $0 == 200 ? () : nil } }
        let remaining = openSockets(onPort: port)
        #expect(remaining == 0)
    }

    @Test func groupShutdownClosesOpenConnections() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let listener = try startEchoServer(group)
        let port = listener.localAddress.port
        let (_, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        group.shutdown()
        #expect(collector.isClosed)
        #expect(collector.closeError?.kind == .loopShutDown)
        #expect(openSockets(onPort: port) == 0)
    }
}
