import EventIO
import Glibc
import Testing
@testable import H2RPC

/// Every public async API of H2RPC returns CANCELLED when its task is cancelled while it waits.
/// Each test starts the wait in a task, cancels the task once the wait has begun (or is about to:
/// the outcome is the same either way), and checks the error.
@Suite struct CancellationTests {
    let probe = HandlerProbe()

    /// Runs `body` in a task, cancels it after `ready` completes, and checks it threw CANCELLED.
    func expectCancelled(
        after ready: @escaping @Sendable () async -> Void = {}, _ body: @escaping @Sendable () async throws -> Void
    ) async {
        let task = Task { try await body() }
        await ready()
        task.cancel()
        await expectStatus(.cancelled) { try await task.value }
    }

    // MARK: - Client

    @Test func unaryCall() async throws {
        try await withEchoServer(probe: probe) { _, channel, _ in
            await expectCancelled(after: { _ = await probe.waitFor("sleeping") }) {
                _ = try await channel.unary(
                    path: "/test.Echo/Get", request: EchoMessage(text: "sleep"), as: EchoMessage.self)
            }
            // The server heard of it: the handler was cancelled.
            #expect(await probe.waitFor("cancelled"))
        }
    }

    /// Sends into a stream whose server reads nothing until flow control holds the sender.
    func floodUntilHeld(_ send: @escaping @Sendable (EchoMessage) async throws -> Void) async {
        let sent = WaitableState(0)
        let chunk = EchoMessage(text: String(repeating: "c", count: 65_536))
        await expectCancelled(after: { _ = try? await sent.wait { $0 >= 4 ? () : nil } }) {
            while true {
                try await send(chunk)
                sent.update { $0 += 1 }
            }
        }
    }

    @Test func clientStreamingSendHeldByFlowControl() async throws {
        try await withEchoServer(probe: probe) { _, channel, _ in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Stall", as: EchoMessage.self)
            await floodUntilHeld { try await call.send($0) }
        }
    }

    @Test func clientStreamingFinish() async throws {
        try await withEchoServer(probe: probe) { _, channel, _ in
            let call: ClientStreamingCall<EchoMessage, EchoMessage> = try await channel.clientStreaming(
                path: "/test.Echo/Stall", as: EchoMessage.self)
            await expectCancelled(after: { _ = await probe.waitFor("sleeping") }) { _ = try await call.finish() }
        }
    }

    @Test func serverStreamingNextAndInitialMetadata() async throws {
        try await withEchoServer(probe: probe) { _, channel, _ in
            let first = try await channel.serverStreaming(
                path: "/test.Echo/StallStream", request: EchoMessage(), as: EchoMessage.self)
            await expectCancelled(after: { _ = await probe.waitFor("sleeping") }) {
                for try await _ in first {}
            }
            let second = try await channel.serverStreaming(
                path: "/test.Echo/StallStream", request: EchoMessage(), as: EchoMessage.self)
            await expectCancelled { _ = try await second.initialMetadata() }
        }
    }

    @Test func trailingMetadataReturnsAndCancelsTheCall() async throws {
        try await withEchoServer(probe: probe) { _, channel, _ in
            let call = try await channel.serverStreaming(
                path: "/test.Echo/StallStream", request: EchoMessage(), as: EchoMessage.self)
            #expect(await probe.waitFor("sleeping"))
            let task = Task { await call.trailingMetadata() }
            task.cancel()
            #expect(await task.value.isEmpty)
            // The call is over: its responses end with CANCELLED.
            await expectStatus(.cancelled) { for try await _ in call {} }
        }
    }

    @Test func bidiStreamingSendAndNext() async throws {
        try await withEchoServer(probe: probe) { _, channel, _ in
            let reading: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            await expectCancelled { for try await _ in reading.responses {} }

            let sending: BidiStreamingCall<EchoMessage, EchoMessage> = try await channel.bidiStreaming(
                path: "/test.Echo/Chat", as: EchoMessage.self)
            try await sending.send(EchoMessage(text: "sleep"))
            #expect(await probe.waitFor("sleeping"))
            // The handler sleeps and reads nothing more: the sender is held by flow control.
            await floodUntilHeld { try await sending.send($0) }
        }
    }

    @Test func channelConnectWait() async throws {
        let listener = try BacklogFullListener()
        defer { listener.close() }
        let channel = try RPCChannel(target: "127.0.0.1:\(listener.port)")
        // The TCP handshake cannot complete: the call waits for the connection until cancelled.
        await expectCancelled {
            _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self)
        }
        await channel.close()
    }

    // MARK: - Server

    @Test func serverRunAndStart() async throws {
        let server = RPCServer(services: [TestEchoService(probe: probe)])
        await expectCancelled { try await server.run(port: 0) }
        #expect(server.connectionCount == 0)

        let notStarted = RPCServer(services: [])
        await expectCancelled {
            withUnsafeCurrentTask { $0?.cancel() }
            try await notStarted.start(port: 0)
        }
    }

    /// Handlers whose own child task waits in `ResponseWriter.send` (held by flow control) or in
    /// `RequestStream` iteration, and is cancelled.
    struct ChildTaskService: RPCService {
        let probe: HandlerProbe

        func report(_ what: String, _ body: @escaping @Sendable () async throws -> Void) async {
            let child = Task { try await body() }
            child.cancel()
            do {
                try await child.value
                probe.note("\(what) returned")
            } catch let error as RPCError where error.code == .cancelled {
                probe.note("\(what) cancelled")
            } catch {
                probe.note("\(what) failed: \(error)")
            }
        }

        var methods: [RPCMethod] {
            [
                .serverStreaming(path: "/t.Child/Send", service: self) {
                    (s: ChildTaskService, _: EchoMessage, out: ResponseWriter<EchoMessage>, _: ServerContext) in
                    await s.report("send") { try await out.send(EchoMessage(text: "x")) }
                },
                .bidiStreaming(path: "/t.Child/Read", service: self) {
                    (
                        s: ChildTaskService, requests: RequestStream<EchoMessage>, _: ResponseWriter<EchoMessage>,
                        _: ServerContext
                    ) in
                    await s.report("read") { for try await _ in requests {} }
                },
            ]
        }
    }

    func serverStream(_ io: RecordingStreamIO) throws -> (ServerStream, EventLoopGroup) {
        let group = try EventLoopGroup(loopCount: 1)
        let core = ServerCore(services: [ChildTaskService(probe: probe)], interceptors: [], configuration: .init())
        return (ServerStream(loop: group.next(), core: core, io: io), group)
    }

    @Test func responseWriterSendHeldByFlowControl() async throws {
        let io = RecordingStreamIO()
        io.isWritable = false  // every send finds the stream full
        let (stream, group) = try serverStream(io)
        defer { group.shutdown() }
        await onLoop(stream.loop) {
            stream.receivedHeaders(requestHeaders("/t.Child/Send"), endStream: false)
            framed(EchoMessage()).withUnsafeBytes { stream.receivedData($0) }
            stream.receivedEnd()
        }
        #expect(await probe.waitFor("send cancelled"))
    }

    @Test func requestStreamIteration() async throws {
        let (stream, group) = try serverStream(RecordingStreamIO())
        defer { group.shutdown() }
        await onLoop(stream.loop) { stream.receivedHeaders(requestHeaders("/t.Child/Read"), endStream: false) }
        #expect(await probe.waitFor("read cancelled"))
    }
}

/// A TCP listener whose accept queue is full and never drained: a new connection's handshake
/// cannot complete, so connecting to it waits (until the connect timeout).
final class BacklogFullListener: Sendable {
    let port: Int
    private let descriptors: [Int32]

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(listener, pointer, length) == 0 && listen(listener, 0) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw IOError(.system(errno: errno), operation: "listen") }
        port = Int(UInt16(bigEndian: address.sin_port))
        // Fill the accept queue (a backlog of 0 holds one connection) with handshakes that complete.
        var fillers: [Int32] = []
        for _ in 0..<2 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) }
            }
            fillers.append(fd)
        }
        descriptors = [listener] + fillers
    }

    func close() { for fd in descriptors { _ = Glibc.close(fd) } }
}
