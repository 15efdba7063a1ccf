import EventIO
import H2
import Logging
import Synchronization
import Testing
@testable import H2RPC

/// Server and channel over real sockets on 127.0.0.1 through nghttp2.
@Suite struct LoopbackTests {
    let probe = HandlerProbe()

    func withServer(
        _ configure: (inout RPCServer.Configuration) -> Void = { _ in }, interceptors: [any ServerInterceptor] = [],
        channelConfiguration: RPCChannel.Configuration = .init(),
        _ body: (RPCServer, RPCChannel, Int) async throws -> Void
    ) async throws {
        try await withEchoServer(
            probe: probe, configure, interceptors: interceptors, channelConfiguration: channelConfiguration, body)
    }

    // MARK: - The four kinds

    @Test func unaryRoundTrip() async throws {
        try await withServer { _, channel, _ in
            let reply = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "hi", number: 1), as: EchoMessage.self)
            #expect(reply == EchoMessage(text: "hi", number: 2))
        }
    }

    @Test func handlersOffTheEventLoopWorkToo() async throws {
        try await withServer({ $0.handlersOnEventLoop = false }) { _, channel, _ in
            let reply = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "off", number: 1), as: EchoMessage.self)
            #expect(reply == EchoMessage(text: "off", number: 2))
            let call = try await channel.serverStreaming(
                path: "/test.Echo/Expand", request: EchoMessage(text: "s", number: 50), as: EchoMessage.self)
            var n = 0
            for try await _ in call { n += 1 }
            #expect(n == 50)
        }
    }

    @Test func manyConcurrentUnaryCallsShareOneConnection() async throws {
        try await withServer { server, channel, _ in
            try await withThrowingTaskGroup(of: Int32.self) { group in
                for i in 0..<200 {
                    group.addTask {
                        try await channel.unary(
                            path: "/test.Echo/Get", request: EchoMessage(text: "n", number: Int32(i)),
                            as: EchoMessage.self
                        ).number
                    }
                }
                var sum: Int32 = 0
                for try await n in group { sum += n }
                #expect(sum == (0..<200).reduce(0) { $0 + Int32($1) + 1 })
            }
            #expect(server.connectionCount == 1)
        }
    }

    @Test func aPoolSpreadsCallsOverItsConnections() async throws {
        var cc = RPCChannel.Configuration()
        cc.connectionCount = 3
        try await withServer(channelConfiguration: cc) { server, channel, _ in
            for i in 0..<9 {
                let r = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "p", number: Int32(i)), as: EchoMessage.self)
                #expect(r.number == Int32(i) + 1)
            }
            #expect(server.connectionCount == 3)
        }
    }

    @Test func clientStreaming() async throws {
        try await withServer { _, channel, _ in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Collect", as: EchoMessage.self)
            for t in ["a", "b", "c"] { try await call.send(EchoMessage(text: t)) }
            let reply = try await call.finish()
            #expect(reply == EchoMessage(text: "a,b,c", number: 3))
        }
    }

    @Test func serverStreamingWithLargeMessagesPastTheWindow() async throws {
        try await withServer { _, channel, _ in
            let big = String(repeating: "x", count: 300_000)
            let call = try await channel.serverStreaming(
                path: "/test.Echo/Expand", request: EchoMessage(text: big, number: 5), as: EchoMessage.self)
            var numbers: [Int32] = []
            for try await m in call {
                #expect(m.text.count == 300_000)
                numbers.append(m.number)
            }
            #expect(numbers == [0, 1, 2, 3, 4])
        }
    }

    @Test func bidiPingPong() async throws {
        try await withServer { _, channel, _ in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            var responses = call.responses.makeAsyncIterator()
            for i in 0..<5 {
                try await call.send(EchoMessage(text: "m\(i)", number: Int32(i)))
                let r = try await responses.next()
                #expect(r == EchoMessage(text: "echo:m\(i)", number: Int32(i)))
            }
            call.finish()
            #expect(try await responses.next() == nil)
        }
    }

    @Test func emptyBidiStream() async throws {
        try await withServer { _, channel, _ in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            call.finish()
            var count = 0
            for try await _ in call.responses { count += 1 }
            #expect(count == 0)
        }
    }

    // MARK: - Metadata, status, compression

    @Test func metadataBothWaysIncludingBinary() async throws {
        try await withServer { _, channel, _ in
            var md = Metadata()
            md.add("x-in", "hello")
            let r = try await channel.unaryWithMetadata(
                path: "/test.Echo/Get", request: EchoMessage(text: "metadata"), as: EchoMessage.self,
                options: CallOptions(metadata: md))
            #expect(r.initialMetadata["x-initial"] == "hello")
            #expect(r.trailingMetadata.binaryValue(forKey: "x-trailing-bin") == [0xAB, 0xAB, 0xAB])
        }
    }

    @Test func handlerStatusReachesClientWithTrailingMetadata() async throws {
        try await withServer { _, channel, _ in
            let e = await expectStatus(.notFound) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "status"), as: EchoMessage.self)
            }
            #expect(e?.message == "nope")
            #expect(e?.trailingMetadata["x-why"] == "missing")
            let u = await expectStatus(.unknown) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "throw"), as: EchoMessage.self)
            }
            #expect(u?.message.contains("secret") == false)
            let c = await expectStatus(.failedPrecondition) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "chosen"), as: EchoMessage.self)
            }
            #expect(c?.message == "shown on purpose")
        }
    }

    @Test func unknownServiceAndMethodAreUnimplemented() async throws {
        try await withServer { _, channel, _ in
            _ = await expectStatus(.unimplemented) {
                _ = try await channel.unary(path: "/test.Echo/Missing", request: EchoMessage(), as: EchoMessage.self)
            }
            _ = await expectStatus(.unimplemented) {
                _ = try await channel.unary(path: "/no.Such/Get", request: EchoMessage(), as: EchoMessage.self)
            }
        }
    }

    @Test(arguments: [CompressionAlgorithm.gzip, .deflate])
    func compressionBothWays(_ algorithm: CompressionAlgorithm) async throws {
        try await withServer { _, channel, _ in
            var md = Metadata()
            md.add("x-compress", "yes")
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self,
                options: CallOptions(metadata: md, compression: algorithm))
            let text = String(repeating: "compressible ", count: 5000)
            try await call.send(EchoMessage(text: text))
            call.finish()
            var got: [String] = []
            for try await r in call.responses { got.append(r.text) }
            #expect(got == ["echo:" + text])
        }
    }

    // MARK: - Deadlines and cancellation

    @Test func deadlineExceededAtClientAndHandlerCancelled() async throws {
        try await withServer { _, channel, _ in
            // Connected first: a deadline that passes while the channel connects ends the call
            // before it reaches the server, and this test is about the handler's cancellation.
            _ = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "warm-up"), as: EchoMessage.self)
            // The handler sleeps 30 s: DEADLINE_EXCEEDED comes from the 100 ms deadline, not its end.
            _ = await expectStatus(.deadlineExceeded) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "sleep"), as: EchoMessage.self,
                    options: CallOptions(timeout: .milliseconds(100)))
            }
            #expect(await probe.waitFor("cancelled"))
        }
    }

    @Test func handlerSeesTheDeadline() async throws {
        try await withServer { _, channel, _ in
            let with = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "deadline"), as: EchoMessage.self,
                options: CallOptions(timeout: .seconds(30)))
            let without = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "deadline"), as: EchoMessage.self)
            #expect(with.text == "set")
            #expect(without.text == "none")
        }
    }

    @Test func cancellingTheCallResetsTheStreamAndCancelsTheHandler() async throws {
        try await withServer { server, channel, _ in
            let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            try await call.send(EchoMessage(text: "sleep"))
            #expect(await probe.waitFor("sleeping"))
            call.cancel()
            _ = await expectStatus(.cancelled) { for try await _ in call.responses {} }
            // The server released the call's slot when the reset arrived, before it cancelled the handler.
            #expect(await probe.waitFor("cancelled"))
            #expect(server.activeRPCCount == 0)
        }
    }

    @Test func cancellingTheSwiftTaskCancelsTheCall() async throws {
        try await withServer { _, channel, _ in
            let task = Task {
                try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "sleep"), as: EchoMessage.self)
            }
            #expect(await probe.waitFor("sleeping"))
            task.cancel()
            do {
                _ = try await task.value
                Issue.record("call succeeded")
            } catch let e as RPCError {
                #expect(e.code == .cancelled)
            }
            #expect(await probe.waitFor("cancelled"))
        }
    }

    // MARK: - Limits

    @Test func oversizedRequestIsResourceExhausted() async throws {
        try await withServer({ $0.maxReceiveMessageSize = 1024 }) { _, channel, _ in
            _ = await expectStatus(.resourceExhausted) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: String(repeating: "x", count: 5000)),
                    as: EchoMessage.self)
            }
            // The connection is unharmed.
            let ok = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "small"), as: EchoMessage.self)
            #expect(ok.text == "small")
        }
    }

    @Test func oversizedResponseIsResourceExhaustedAtClient() async throws {
        try await withServer { _, channel, _ in
            _ = await expectStatus(.resourceExhausted) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: String(repeating: "x", count: 5000)),
                    as: EchoMessage.self,
                    options: CallOptions(maxReceiveMessageSize: 100))
            }
        }
    }

    @Test func oversizedRequestFailsLocallyBeforeSending() async throws {
        try await withServer { server, channel, _ in
            _ = await expectStatus(.resourceExhausted) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: String(repeating: "x", count: 100)),
                    as: EchoMessage.self,
                    options: CallOptions(maxSendMessageSize: 50))
            }
            #expect(server.connectionCount == 0)  // nothing was sent: the channel never even connected
        }
    }

    @Test func defaultReceiveLimitIsFourMiB() async throws {
        try await withServer { _, channel, _ in
            _ = await expectStatus(.resourceExhausted) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get",
                    request: EchoMessage(text: String(repeating: "x", count: 4 * 1024 * 1024 + 1)),
                    as: EchoMessage.self)
            }
        }
    }

    @Test func concurrencyLimitShedsWithoutHarmingTheConnection() async throws {
        try await withServer({ $0.maxConcurrentRPCs = 1 }) { server, channel, _ in
            let sleeper = Task {
                try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "sleep"), as: EchoMessage.self)
            }
            #expect(await probe.waitFor("sleeping"))
            _ = await expectStatus(.resourceExhausted) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "x"), as: EchoMessage.self)
            }
            sleeper.cancel()
            _ = try? await sleeper.value
            #expect(await probe.waitFor("cancelled"))
            #expect(server.activeRPCCount == 0)
            let ok = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "x"), as: EchoMessage.self)
            #expect(ok.text == "x")
        }
    }

    // MARK: - Flow control

    @Test func slowReaderHoldsBackAFastServer() async throws {
        try await withServer { server, channel, _ in
            let call = try await channel.serverStreaming(
                path: "/test.Echo/Flood", request: EchoMessage(text: "", number: 1000), as: EchoMessage.self)
            // Nothing is read yet: the handler must end up suspended in a send, not send all 1000.
            let probe = self.probe
            let heldBack = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await server.waitUntilASenderWaits()
                    return true
                }
                group.addTask { !(await probe.waitFor("flood sent all")) }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(heldBack, "the server sent all 1000 messages to a reader that read none")
            let sentWhileIdle = probe.sent.load(ordering: .relaxed)
            // 1000 × 64 KiB = 64 MiB; windows and queues hold a few MiB at most.
            #expect(sentWhileIdle < 200, "server sent \(sentWhileIdle) messages to a reader that read none")
            var received = 0
            for try await m in call {
                #expect(m.text.utf8.count == 65_536)
                received += 1
            }
            #expect(received == 1000)
        }
    }

    @Test func slowHandlerHoldsBackAFastClient() async throws {
        try await withServer { _, channel, _ in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/SlowCollect", as: EchoMessage.self)
            let sent = Atomic<Int>(0)
            let chunk = EchoMessage(text: String(repeating: "c", count: 65_536))
            let probe = self.probe
            let sender = Task {
                for _ in 0..<500 {
                    try await call.send(chunk)
                    sent.add(1, ordering: .relaxed)
                }
                probe.note("client sent all")
            }
            // The handler reads nothing until told: the sender must end up suspended, not send all 500.
            let heldBack = try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await call.owner.call.waitUntilASenderWaits()
                    return true
                }
                group.addTask { !(await probe.waitFor("client sent all")) }
                let first = try await group.next() ?? false
                group.cancelAll()
                return first
            }
            #expect(heldBack, "the client sent all 500 messages to a handler that read none")
            #expect(
                sent.load(ordering: .relaxed) < 200,
                "client sent \(sent.load(ordering: .relaxed)) messages to a handler that read none")
            probe.note("collect")
            try await sender.value
            let reply = try await call.finish()
            #expect(reply.number == 500)
        }
    }

    // MARK: - Interceptors

    struct RequireToken: ServerInterceptor {
        func intercept(context: ServerContext, next: () async throws -> Void) async throws {
            guard context.requestMetadata["authorization"] == "Bearer t0k3n" else {
                throw RPCError(code: .unauthenticated, message: "missing token")
            }
            try await next()
        }
    }

    final class AddToken: ClientInterceptor {
        let finishedCalls = LockedValue<[String]>([])
        func prepare(path: String, options: inout CallOptions) throws(RPCError) {
            options.metadata.add("authorization", "Bearer t0k3n")
        }
        func finished(path: String, error: RPCError?, duration: Duration) {
            finishedCalls.withLock { $0.append("\(path) \(error?.code ?? .ok)") }
        }
    }

    @Test func serverAndClientInterceptors() async throws {
        let add = AddToken()
        var cc = RPCChannel.Configuration()
        cc.interceptors = [add]
        try await withServer(interceptors: [RequireToken()], channelConfiguration: cc) { _, channel, port in
            let ok = try await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "a"), as: EchoMessage.self)
            #expect(ok.text == "a")
            #expect(add.finishedCalls.withLock { $0 } == ["/test.Echo/Get OK"])
            let bare = try RPCChannel(target: "127.0.0.1:\(port)")
            _ = await expectStatus(.unauthenticated) {
                _ = try await bare.unary(path: "/test.Echo/Get", request: EchoMessage(text: "a"), as: EchoMessage.self)
            }
            await bare.close()
        }
    }

    @Test func loggingInterceptorLogsBothSides() async throws {
        let store = CapturingLogHandler.Store()
        let logger = Logger(label: "test") { _ in CapturingLogHandler(store: store) }
        var cc = RPCChannel.Configuration()
        cc.interceptors = [LoggingInterceptor(logger: logger)]
        try await withServer(interceptors: [LoggingInterceptor(logger: logger)], channelConfiguration: cc) {
            _, channel, _ in
            _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(text: "a"), as: EchoMessage.self)
            _ = try? await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "status"), as: EchoMessage.self)
        }
        let lines = store.all
        #expect(lines.contains { $0.hasPrefix("info served /test.Echo/Get OK") })
        #expect(lines.contains { $0.hasPrefix("notice served /test.Echo/Get NOT_FOUND") })
        #expect(lines.contains { $0.hasPrefix("info called /test.Echo/Get OK") })
        #expect(lines.contains { $0.hasPrefix("notice called /test.Echo/Get NOT_FOUND") })
    }

    // MARK: - Connection management

    @Test func nothingListeningIsUnavailableThenFailsFastDuringBackoff() async throws {
        // Bind and close to find a port with nothing on it.
        let server = RPCServer(services: [])
        let port = try await server.start(port: 0)
        await server.shutdown(gracePeriod: .zero)
        var cc = RPCChannel.Configuration()
        cc.initialBackoff = .seconds(60)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)", configuration: cc)
        let refused = await expectStatus(.unavailable) {
            _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self)
        }
        // A server listens there now, but the backoff has not run out: the call fails with the
        // last error without trying to connect.
        let later = RPCServer(services: [TestEchoService(probe: probe)])
        _ = try await later.start(port: port)
        let failedFast = await expectStatus(.unavailable) {
            _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self)
        }
        #expect(failedFast == refused)
        #expect(later.connectionCount == 0)
        await channel.close()
        await later.shutdown(gracePeriod: .zero)
    }

    @Test func channelReconnectsAfterTheServerComesBack() async throws {
        let first = RPCServer(services: [TestEchoService(probe: probe)])
        let port = try await first.start(port: 0)
        var cc = RPCChannel.Configuration()
        cc.initialBackoff = .milliseconds(50)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)", configuration: cc)
        #expect(
            try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(text: "1"), as: EchoMessage.self).text
                == "1")
        await first.shutdown(gracePeriod: .seconds(1))
        let second = RPCServer(services: [TestEchoService(probe: probe)])
        _ = try await second.start(port: port)
        // The first call may still meet the closing connection (UNAVAILABLE, and the channel forgets
        // it); the next one connects to the new server.
        var reply = try? await channel.unary(
            path: "/test.Echo/Get", request: EchoMessage(text: "2"), as: EchoMessage.self)
        if reply == nil {
            reply = try? await channel.unary(
                path: "/test.Echo/Get", request: EchoMessage(text: "2"), as: EchoMessage.self)
        }
        #expect(reply?.text == "2")
        await channel.close()
        await second.shutdown(gracePeriod: .seconds(1))
    }

    /// Accepts TCP connections and never answers: a server that hangs.
    final class SilentPeer: TCPConnectionDelegate {
        func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {}
        func connectionClosed(_ connection: TCPConnection, error: IOError?) {}
    }

    @Test(.timeLimit(.minutes(1))) func keepalivePingsDetectAPeerThatStoppedAnswering() async throws {
        let group = try EventLoopGroup(loopCount: 1)
        let listener = try TCPListener.bind(to: SocketAddress(host: "127.0.0.1", port: 0), group: group) { tcp in
            tcp.start(delegate: SilentPeer())
        }
        var cc = RPCChannel.Configuration()
        cc.keepAliveInterval = .milliseconds(50)
        cc.keepAliveTimeout = .milliseconds(100)
        let channel = try RPCChannel(target: "127.0.0.1:\(listener.localAddress.port)", configuration: cc)
        // Without keepalive the call would wait for ever (and the time limit would fail the test).
        _ = await expectStatus(.unavailable) {
            _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self)
        }
        await channel.close()
        await listener.close()
        group.shutdown()
    }

    /// A connection delegate that records the server's GOAWAY.
    final class GoAwayWatcher: H2ConnectionDelegate, Sendable {
        let received = Promise<Void>()
        func connection(_ connection: H2Connection, didReceiveGoAway code: H2ErrorCode, lastStreamID: Int32) {
            _ = received.complete(())
        }
        func connection(_ connection: H2Connection, didClose error: H2Error?) { _ = received.complete(()) }
    }

    @Test func gracefulShutdownLetsCallsInFlightFinish() async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1  // the watcher's GOAWAY and the call's come from one loop, in one turn
        let server = RPCServer(services: [TestEchoService(probe: probe)], configuration: config)
        let port = try await server.start(port: 0)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let call: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
            path: "/test.Echo/Chat", as: EchoMessage.self)
        try await call.send(EchoMessage(text: "before"))
        var responses = call.responses.makeAsyncIterator()
        #expect(try await responses.next()?.text == "echo:before")
        // A second connection, idle, whose GOAWAY tells that the shutdown has begun.
        let loop = try ClientEventLoops.shared(busyPoll: nil).next()
        let watched = try await H2Connection.connect(to: SocketAddress(host: "127.0.0.1", port: port), on: loop)
        let watcher = GoAwayWatcher()
        await loop.submit { watched.delegate = watcher }
        let shutdown = Task { await server.shutdown(gracePeriod: .seconds(5)) }
        try await watcher.received.wait()
        // The call in flight still works after GOAWAY.
        try await call.send(EchoMessage(text: "during"))
        #expect(try await responses.next()?.text == "echo:during")
        call.finish()
        #expect(try await responses.next() == nil)
        await shutdown.value
        #expect(server.connectionCount == 0)
        await channel.close()
    }
}
