import EventIO
import H2
import Testing
@testable import H2RPC

/// ServerStream driven by events on a real event loop with an in-memory stream: the call logic
/// without sockets (the loopback tests cover the wiring through H2).
@Suite struct ServerStreamTests {
    let group: EventLoopGroup
    let probe = HandlerProbe()

    /// The loop's clock: deadlines pass only when a test advances it.
    let clock = LoopClock.manual()
    init() throws { group = try EventLoopGroup(loopCount: 1, clock: clock) }

    func makeStream(
        _ configure: (inout RPCServer.Configuration) -> Void = { _ in }
    ) async -> (ServerStream, RecordingStreamIO) {
        var config = RPCServer.Configuration()
        configure(&config)
        let core = ServerCore(services: [TestEchoService(probe: probe)], interceptors: [], configuration: config)
        let io = RecordingStreamIO()
        let loop = group.next()
        return (ServerStream(loop: loop, core: core, io: io), io)
    }

    func deliver(_ stream: ServerStream, headers: [HeaderField], data: [UInt8]? = nil, end: Bool = true) async {
        await onLoop(stream.loop) {
            stream.receivedHeaders(headers, endStream: data == nil && end)
            if let data {
                data.withUnsafeBytes { stream.receivedData($0) }
                if end { stream.receivedEnd() }
            }
        }
    }

    @Test func unaryCallSendsHeadersMessageAndOKTrailers() async throws {
        let (stream, io) = await makeStream()
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage(text: "hi", number: 41)))
        let end = try #require(await io.waitForEnd())
        #expect(end.error == nil)
        let messages = try io.messages()
        #expect(messages.count == 1)
        #expect(try EchoMessage(serializedBytes: messages[0].bytes) == EchoMessage(text: "hi", number: 42))
        guard case .headers(let head, endStream: false) = io.events.first else {
            Issue.record("no response headers first: \(io.events)")
            return
        }
        #expect(head.contains(HeaderField(":status", "200")))
        #expect(head.contains(HeaderField("content-type", "application/grpc")))
        #expect(io.consumed == framed(EchoMessage(text: "hi", number: 41)).count)
    }

    @Test func unknownMethodAndServiceAreUnimplementedTrailersOnly() async throws {
        for path in ["/test.Echo/Nope", "/other.Service/Get"] {
            let (stream, io) = await makeStream()
            await deliver(stream, headers: requestHeaders(path), data: framed(EchoMessage()))
            let end = try #require(await io.waitForEnd())
            #expect(end.error?.code == .unimplemented)
            #expect(io.events.count == 1)  // one Trailers-Only block
        }
    }

    @Test func rejectedContentTypeIsHTTP415() async throws {
        let (stream, io) = await makeStream()
        var headers = requestHeaders("/test.Echo/Get").filter { $0.name != "content-type" }
        headers.append(HeaderField("content-type", "text/plain"))
        await deliver(stream, headers: headers)
        guard case .headers(let h, endStream: true) = io.events.first else {
            Issue.record("\(io.events)")
            return
        }
        #expect(h.first == HeaderField(":status", "415"))
    }

    @Test func plainHandlerErrorBecomesUnknownWithoutItsText() async throws {
        let (stream, io) = await makeStream()
        await deliver(stream, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage(text: "throw")))
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .unknown)
        #expect(end.error?.message.contains("secret") == false)
    }

    @Test func rpcErrorFromHandlerIsItsStatusWithTrailingMetadata() async throws {
        let (stream, io) = await makeStream()
        await deliver(stream, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage(text: "status")))
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .notFound)
        #expect(end.error?.message == "nope")
        #expect(end.trailingMetadata["x-why"] == "missing")
    }

    @Test func invalidProtobufIsInternal() async throws {
        let (stream, io) = await makeStream()
        // Field 1 as length-delimited with a length past the end.
        await deliver(stream, headers: requestHeaders("/test.Echo/Get"), data: [0, 0, 0, 0, 2, 0x0A, 0x05])
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .internal)
        #expect(end.error?.message.contains("unmarshal") == true)
    }

    @Test func truncatedFrameAndShortBodyAreInternal() async throws {
        for data: [UInt8] in [[0, 0, 0], [0, 0, 0, 0, 9, 0x0A, 0x01, 0x41]] {
            let (stream, io) = await makeStream()
            await deliver(stream, headers: requestHeaders("/test.Echo/Get"), data: data)
            let end = try #require(await io.waitForEnd())
            #expect(end.error?.code == .internal)
            #expect(end.error?.message.contains("stream ended inside a message") == true)
        }
    }

    @Test func messageOverReceiveLimitIsResourceExhausted() async throws {
        let (stream, io) = await makeStream { $0.maxReceiveMessageSize = 16 }
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Get"),
            data: framed(EchoMessage(text: String(repeating: "x", count: 40))))
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .resourceExhausted)
    }

    @Test func gzipRequestIsDecompressed() async throws {
        let (stream, io) = await makeStream()
        let packed = try MessageFramer.frame(
            serializedWithHeadroom: EchoMessage(text: String(repeating: "a", count: 500)).serializedBytes(headroom: 5),
            compression: .gzip, maxSize: 1 << 20)
        #expect(packed[0] == 1)
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-encoding", "gzip")]), data: packed)
        let end = try #require(await io.waitForEnd())
        #expect(end.error == nil)
        #expect(try EchoMessage(serializedBytes: io.messages()[0].bytes).text.count == 500)
    }

    @Test func compressedFlagWithoutEncodingIsInternal() async throws {
        let (stream, io) = await makeStream()
        var bytes = framed(EchoMessage(text: "x"))
        bytes[0] = 1
        await deliver(stream, headers: requestHeaders("/test.Echo/Get"), data: bytes)
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .internal)
    }

    @Test func unsupportedEncodingIsUnimplemented() async throws {
        let (stream, io) = await makeStream()
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-encoding", "snappy")]),
            data: framed(EchoMessage()))
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .unimplemented)
    }

    @Test func resetCancelsTheHandlerTask() async throws {
        let (stream, io) = await makeStream()
        await deliver(stream, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage(text: "sleep")))
        #expect(await probe.waitFor("sleeping"))
        let completed = HandlerProbe()
        await onLoop(stream.loop) {
            stream.onComplete = { completed.note("done") }
            stream.receivedReset(code: .cancel)
        }
        #expect(await probe.waitFor("cancelled"))
        #expect(await completed.waitFor("done"))
        #expect(io.end == nil)  // nothing sent after a reset
    }

    @Test func deadlineEndsCallAndCancelsHandler() async throws {
        let (stream, io) = await makeStream()
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-timeout", "50m")]),
            data: framed(EchoMessage(text: "sleep")))
        #expect(await probe.waitFor("sleeping"))
        await clock.advance(by: .milliseconds(49))
        #expect(io.end == nil)  // not before its time
        await clock.advance(by: .milliseconds(1))
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .deadlineExceeded)
        #expect(await probe.waitFor("cancelled"))
    }

    @Test func concurrencyLimitShedsLoadAtOnce() async throws {
        let config: (inout RPCServer.Configuration) -> Void = { $0.maxConcurrentRPCs = 1 }
        var c = RPCServer.Configuration()
        config(&c)
        let core = ServerCore(services: [TestEchoService(probe: probe)], interceptors: [], configuration: c)
        let loop = group.next()
        let io1 = RecordingStreamIO()
        let io2 = RecordingStreamIO()
        let s1 = ServerStream(loop: loop, core: core, io: io1)
        let s2 = ServerStream(loop: loop, core: core, io: io2)
        await deliver(s1, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage(text: "sleep")))
        #expect(await probe.waitFor("sleeping"))
        await deliver(s2, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage()))
        let end2 = try #require(await io2.waitForEnd())
        #expect(end2.error?.code == .resourceExhausted)
        #expect(core.activeRPCCount == 1)
        await onLoop(loop) { s1.receivedReset(code: .cancel) }
        #expect(core.activeRPCCount == 0)
    }

    @Test func bidiEchoesEachMessageAndEndsOK() async throws {
        let (stream, io) = await makeStream()
        await onLoop(stream.loop) {
            stream.receivedHeaders(requestHeaders("/test.Echo/Chat"), endStream: false)
            for t in ["a", "b", "c"] { framed(EchoMessage(text: t)).withUnsafeBytes { stream.receivedData($0) } }
            stream.receivedEnd()
        }
        let end = try #require(await io.waitForEnd())
        #expect(end.error == nil)
        #expect(
            try io.messages().map { try EchoMessage(serializedBytes: $0.bytes).text } == ["echo:a", "echo:b", "echo:c"])
    }

    @Test func serverStreamingSendsEveryResponse() async throws {
        let (stream, io) = await makeStream()
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Expand"), data: framed(EchoMessage(text: "x", number: 3)))
        let end = try #require(await io.waitForEnd())
        #expect(end.error == nil)
        #expect(try io.messages().map { try EchoMessage(serializedBytes: $0.bytes).number } == [0, 1, 2])
    }

    @Test func unaryWithTwoRequestsIsACardinalityViolation() async throws {
        let (stream, io) = await makeStream()
        await deliver(
            stream, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage()) + framed(EchoMessage()))
        let end = try #require(await io.waitForEnd())
        #expect(end.error?.code == .internal)
    }

    @Test func emptyClientStreamEndingInHeadersIsServed() async throws {
        let (stream, io) = await makeStream()
        await deliver(stream, headers: requestHeaders("/test.Echo/Collect"))
        let end = try #require(await io.waitForEnd())
        #expect(end.error == nil)
        #expect(try io.messages().count == 1)
    }

    /// A promise completed when `stream`'s call is over (response ended, handler returned).
    func completion(of stream: ServerStream) async -> Promise<Void> {
        let done = Promise<Void>()
        await onLoop(stream.loop) { stream.onComplete = { done.complete(()) } }
        return done
    }

    @Test func finishedCallsLeaveNothingBehind() async throws {
        weak var completed: ServerStream?
        weak var reset: ServerStream?
        weak var timedOut: ServerStream?
        weak var rejected: ServerStream?
        let loop = group.next()
        do {
            let (s1, io1) = await makeStream()
            completed = s1
            let done1 = await completion(of: s1)
            await deliver(s1, headers: requestHeaders("/test.Echo/Get"), data: framed(EchoMessage(text: "x")))
            #expect(await io1.waitForEnd()?.error == nil)

            let (s2, _) = await makeStream()
            reset = s2
            let done2 = await completion(of: s2)
            await deliver(
                s2, headers: requestHeaders("/test.Echo/Chat"), data: framed(EchoMessage(text: "sleep")), end: false)
            #expect(await probe.waitFor("sleeping"))
            await onLoop(s2.loop) { s2.receivedReset(code: .cancel) }

            let (s3, io3) = await makeStream()
            timedOut = s3
            let done3 = await completion(of: s3)
            await deliver(
                s3, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-timeout", "20m")]),
                data: framed(EchoMessage(text: "sleep")))
            await clock.advance(by: .milliseconds(20))
            #expect(await io3.waitForEnd()?.error?.code == .deadlineExceeded)

            let (s4, io4) = await makeStream()
            rejected = s4
            let done4 = await completion(of: s4)
            await deliver(s4, headers: requestHeaders("/test.Echo/Nope"), data: framed(EchoMessage()))
            #expect(await io4.waitForEnd()?.error?.code == .unimplemented)
            for done in [done1, done2, done3, done4] { try await done.wait() }
        }
        // The server stream, its call and its handler's context are freed once the call is over
        // and the loop has finished the turn that ended it.
        await onLoop(loop) {}
        #expect(completed == nil)
        #expect(reset == nil)
        #expect(timedOut == nil)
        #expect(rejected == nil)
    }
}
