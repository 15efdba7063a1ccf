import EventIO
import H2
import Testing
@testable import H2RPC

/// ClientStream fed with response events on a real loop and an in-memory stream.
@Suite struct ClientStreamTests {
    let group: EventLoopGroup
    /// The loop's clock: deadlines pass only when a test advances it.
    let clock = LoopClock.manual()
    init() throws { group = try EventLoopGroup(loopCount: 1, clock: clock) }

    static let okHead = [
        HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"), HeaderField("x-h", "v"),
    ]

    func make(
        maxReceive: Int = 1 << 20, timeout: Duration? = nil
    ) async -> (ClientStream, ClientCall, RecordingStreamIO) {
        let call = ClientCall(maxReceiveMessageSize: maxReceive, maxSendMessageSize: 1 << 20, compression: .identity)
        let stream = ClientStream(loop: group.next(), call: call)
        let io = RecordingStreamIO()
        await onLoop(stream.loop) { stream.attach(io: io, timeout: timeout) }
        return (stream, call, io)
    }

    @Test func headMessagesAndOKTrailers() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) {
            stream.receivedHead(Self.okHead)
            (framed(EchoMessage(text: "a")) + framed(EchoMessage(text: "b"))).withUnsafeBytes {
                stream.receivedData($0)
            }
            stream.receivedEnd(trailers: [HeaderField("grpc-status", "0"), HeaderField("x-t", "w")])
        }
        #expect(try await call.initialMetadata()["x-h"] == "v")
        let a: EchoMessage? = try await call.receive()
        let b: EchoMessage? = try await call.receive()
        let end: EchoMessage? = try await call.receive()
        #expect(a?.text == "a")
        #expect(b?.text == "b")
        #expect(end == nil)
        #expect(await call.trailingMetadata()["x-t"] == "w")
    }

    @Test func trailersOnlyErrorReachesEveryWaiter() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) {
            stream.receivedHead(
                ResponseHeaders.trailersOnly(
                    contentType: "application/grpc", status: .unimplemented, message: "x", metadata: Metadata()))
            stream.receivedEnd(trailers: nil)
        }
        await #expect(throws: RPCError(code: .unimplemented, message: "x")) { try await call.initialMetadata() }
        await #expect(throws: RPCError.self) { let _: EchoMessage? = try await call.receive() }
    }

    @Test func nonGRPCResponseMapsHTTPStatus() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) {
            stream.receivedHead([HeaderField(":status", "404"), HeaderField("content-type", "text/html")])
            stream.receivedEnd(trailers: nil)
        }
        let end = try await call.ended()
        #expect(end.error?.code == .unimplemented)
    }

    @Test func resetByServerIsMappedAndCancelIsCancelled() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) {
            stream.receivedHead(Self.okHead)
            stream.closed(resetCode: .cancel, reason: nil)
        }
        #expect(try await call.ended().error?.code == .cancelled)

        let (s2, c2, io2) = await make()
        c2.cancel()
        // The call ends at once; the reset goes out on the stream's loop.
        #expect(try await c2.ended().error?.code == .cancelled)
        await onLoop(s2.loop) {}
        #expect(io2.events == [.reset(.cancel)])
    }

    @Test func connectionLossIsUnavailable() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) { stream.closed(resetCode: nil, reason: "connection closed: peer vanished") }
        #expect(try await call.ended().error?.code == .unavailable)
    }

    @Test func deadlineResetsStreamAndReportsDeadlineExceeded() async throws {
        let (_, call, io) = await make(timeout: .milliseconds(20))
        await clock.advance(by: .milliseconds(19))
        #expect(call.end == nil)  // not before its time
        await clock.advance(by: .milliseconds(1))
        #expect(try await call.ended().error?.code == .deadlineExceeded)
        #expect(io.events == [.reset(.cancel)])
    }

    @Test func oversizedResponseIsResourceExhaustedAndCancelsStream() async throws {
        let (stream, call, io) = await make(maxReceive: 8)
        await onLoop(stream.loop) {
            stream.receivedHead(Self.okHead)
            framed(EchoMessage(text: String(repeating: "z", count: 64))).withUnsafeBytes { stream.receivedData($0) }
        }
        #expect(try await call.ended().error?.code == .resourceExhausted)
        #expect(io.events == [.reset(.cancel)])
    }

    @Test func truncatedResponseBeforeOKTrailersIsInternal() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) {
            stream.receivedHead(Self.okHead)
            ([0, 0, 0, 0, 9, 1] as [UInt8]).withUnsafeBytes { stream.receivedData($0) }
            stream.receivedEnd(trailers: [HeaderField("grpc-status", "0")])
        }
        #expect(try await call.ended().error?.code == .internal)
    }

    @Test func invalidResponseProtobufIsInternal() async throws {
        let (stream, call, _) = await make()
        await onLoop(stream.loop) {
            stream.receivedHead(Self.okHead)
            ([0, 0, 0, 0, 2, 0x0A, 0x05] as [UInt8]).withUnsafeBytes { stream.receivedData($0) }
            stream.receivedEnd(trailers: [HeaderField("grpc-status", "0")])
        }
        do {
            let m: EchoMessage? = try await call.receive()
            Issue.record("decoded \(String(describing: m))")
        } catch {
            #expect(error.code == .internal)
        }
    }

    @Test func sendAndHalfCloseReachTheStream() async throws {
        let (_, call, io) = await make()
        try await call.send(EchoMessage(text: "q"), compressed: nil, endStream: false)
        call.halfClose()
        await onLoop(group.next()) {}  // the half-close was queued on the (only) loop before this
        #expect(io.events == [.data(framed(EchoMessage(text: "q")), endStream: false), .data([], endStream: true)])
    }

    /// A unary response is taken with the call's end: two messages, or none, before OK trailers are
    /// INTERNAL (cardinality); a failed call's status comes through as it is.
    @Test func singleResponseChecksCardinalityAtTheEnd() async throws {
        let (s1, c1, _) = await make()
        await onLoop(s1.loop) {
            s1.receivedHead(Self.okHead)
            (framed(EchoMessage(text: "a")) + framed(EchoMessage(text: "b"))).withUnsafeBytes { s1.receivedData($0) }
            s1.receivedEnd(trailers: [HeaderField("grpc-status", "0")])
        }
        await #expect(
            throws: RPCError(code: .internal, message: "cardinality violation: expected one response, got more")
        ) {
            let _: EchoMessage = try await c1.receiveSingle()
        }

        let (s2, c2, _) = await make()
        await onLoop(s2.loop) {
            s2.receivedHead(Self.okHead)
            s2.receivedEnd(trailers: [HeaderField("grpc-status", "0")])
        }
        await #expect(
            throws: RPCError(code: .internal, message: "cardinality violation: expected one response, got none")
        ) {
            let _: EchoMessage = try await c2.receiveSingle()
        }

        let (s3, c3, _) = await make()
        await onLoop(s3.loop) {
            s3.receivedHead(Self.okHead)
            framed(EchoMessage(text: "a")).withUnsafeBytes { s3.receivedData($0) }
            s3.receivedEnd(trailers: [HeaderField("grpc-status", "8"), HeaderField("grpc-message", "full")])
        }
        await #expect(throws: RPCError(code: .resourceExhausted, message: "full")) {
            let _: EchoMessage = try await c3.receiveSingle()
        }
    }

    /// A task cancelled while it waits for the single response cancels the call (the stream is
    /// reset) and throws CANCELLED.
    @Test func cancellingTheSingleResponseWaitCancelsTheCall() async throws {
        let (stream, call, io) = await make()
        let waiter = Task { () async throws(RPCError) -> EchoMessage in try await call.receiveSingle() }
        waiter.cancel()
        await #expect(throws: RPCError.self) { try await waiter.value }
        #expect(try await call.ended().error?.code == .cancelled)
        await onLoop(stream.loop) {}
        #expect(io.events == [.reset(.cancel)])
    }

    @Test func finishedCallsLeaveNothingBehind() async throws {
        weak var stream: ClientStream?
        weak var call: ClientCall?
        let loop = group.next()
        do {
            let (s, c, _) = await make()
            stream = s
            call = c
            await onLoop(s.loop) {
                s.receivedHead(Self.okHead)
                framed(EchoMessage(text: "a")).withUnsafeBytes { s.receivedData($0) }
                s.receivedEnd(trailers: [HeaderField("grpc-status", "0")])
                s.closed(resetCode: nil, reason: nil)
            }
            let m: EchoMessage = try await c.receiveSingle()
            #expect(m.text == "a")
        }
        // The loop has finished the turn that delivered the end (and dropped what it held for it).
        await onLoop(loop) {}
        #expect(stream == nil)
        #expect(call == nil)
    }
}
