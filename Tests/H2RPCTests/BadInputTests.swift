import EventIO
import H2
import Testing
@testable import H2RPC

/// Requests no well-behaved client sends, over real sockets: each gets the status the spec
/// names, and the server keeps serving.
@Suite struct BadInputTests {
    let probe = HandlerProbe()

    func withServer(_ body: (RPCServer, Int) async throws -> Void) async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        let server = RPCServer(services: [TestEchoService(probe: probe)], configuration: config)
        let port = try await server.start(port: 0)
        try await body(server, port)
        // Still serving after the bad input.
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let ok = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(text: "ok"), as: EchoMessage.self)
        #expect(ok.text == "ok")
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(1))
    }

    func send(
        port: Int, headers: [HeaderField], body: [UInt8]?, endStream: Bool = true
    ) async throws -> RawResponseRecorder {
        let recorder = RawResponseRecorder()
        let (connection, _) = try await rawRequest(
            port: port, headers: headers, body: body, endStream: endStream, recorder: recorder)
        #expect(await recorder.waitClosed())
        connection.close()
        return recorder
    }

    @Test func wrongContentTypeIsHTTP415() async throws {
        try await withServer { _, port in
            var h = requestHeaders("/test.Echo/Get").filter { $0.name != "content-type" }
            h.append(HeaderField("content-type", "application/json"))
            let r = try await send(port: port, headers: h, body: framed(EchoMessage()))
            #expect(r.head?.first { $0.name == ":status" }?.value == "415")
        }
    }

    @Test func missingTeTrailersIsRejected() async throws {
        try await withServer { _, port in
            let h = requestHeaders("/test.Echo/Get").filter { $0.name != "te" }
            let r = try await send(port: port, headers: h, body: framed(EchoMessage()))
            #expect(r.head?.first { $0.name == ":status" }?.value == "400")
            #expect(r.end?.error?.code == .internal)
        }
    }

    @Test func malformedTimeoutIsRejected() async throws {
        try await withServer { _, port in
            let r = try await send(
                port: port, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-timeout", "12x")]),
                body: framed(EchoMessage()))
            #expect(r.head?.first { $0.name == ":status" }?.value == "400")
            #expect(r.end?.error?.message == "malformed grpc-timeout \"12x\"")
        }
    }

    @Test func truncatedFrameIsInternal() async throws {
        try await withServer { _, port in
            let r = try await send(port: port, headers: requestHeaders("/test.Echo/Get"), body: [0, 0, 0])
            #expect(r.end?.error?.code == .internal)
        }
    }

    @Test func lengthPrefixLargerThanBodyIsInternal() async throws {
        try await withServer { _, port in
            let r = try await send(
                port: port, headers: requestHeaders("/test.Echo/Get"), body: [0, 0, 0, 1, 0, 0x0A, 0x01, 0x41])
            #expect(r.end?.error?.code == .internal)
            #expect(r.end?.error?.message.contains("stream ended inside a message") == true)
        }
    }

    @Test func invalidProtobufIsInternal() async throws {
        try await withServer { _, port in
            let r = try await send(
                port: port, headers: requestHeaders("/test.Echo/Get"), body: [0, 0, 0, 0, 3, 0xFF, 0xFF, 0xFF])
            #expect(r.end?.error?.code == .internal)
        }
    }

    @Test func invalidCompressedFlagIsInternal() async throws {
        try await withServer { _, port in
            let r = try await send(port: port, headers: requestHeaders("/test.Echo/Get"), body: [7, 0, 0, 0, 0])
            #expect(r.end?.error?.code == .internal)
        }
    }

    @Test func corruptGzipIsInternal() async throws {
        try await withServer { _, port in
            let r = try await send(
                port: port, headers: requestHeaders("/test.Echo/Get", [HeaderField("grpc-encoding", "gzip")]),
                body: [1, 0, 0, 0, 4, 0x1F, 0x8B, 0x00, 0x00])
            #expect(r.end?.error?.code == .internal)
        }
    }

    @Test func clientThatDisappearsMidStreamCancelsHandlerAndLeaksNothing() async throws {
        try await withServer { server, port in
            let recorder = RawResponseRecorder()
            let (connection, _) = try await rawRequest(
                port: port, headers: requestHeaders("/test.Echo/Chat"), body: framed(EchoMessage(text: "sleep")),
                endStream: false,
                recorder: recorder)
            #expect(await probe.waitFor("sleeping"))
            #expect(server.activeRPCCount == 1)
            connection.close(.noError)  // the client goes away without ending its stream
            // The connection's close released the call and the connection in the loop turn that
            // cancelled the handler; the handler resumes after that turn.
            #expect(await probe.waitFor("cancelled"))
            #expect(server.activeRPCCount == 0)
            #expect(server.connectionCount == 0)
        }
    }
}
