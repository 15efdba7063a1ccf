import H2RPC
import InteropProto

/// A failed expectation in a test case.
struct CaseFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// The interop test cases (gRPC's `doc/interop-test-descriptions.md`), each a method that throws on failure.
struct InteropCases: Sendable {
    typealias Case = @Sendable (InteropCases) async throws -> Void

    static let all: [(String, Case)] = [
        ("empty_unary", { try await $0.emptyUnary() }),
        ("large_unary", { try await $0.largeUnary() }),
        ("client_compressed_unary", { try await $0.clientCompressedUnary() }),
        ("server_compressed_unary", { try await $0.serverCompressedUnary() }),
        ("client_streaming", { try await $0.clientStreaming() }),
        ("client_compressed_streaming", { try await $0.clientCompressedStreaming() }),
        ("server_streaming", { try await $0.serverStreaming() }),
        ("server_compressed_streaming", { try await $0.serverCompressedStreaming() }),
        ("ping_pong", { try await $0.pingPong() }),
        ("empty_stream", { try await $0.emptyStream() }),
        ("custom_metadata", { try await $0.customMetadata() }),
        ("status_code_and_message", { try await $0.statusCodeAndMessage() }),
        ("special_status_message", { try await $0.specialStatusMessage() }),
        ("unimplemented_method", { try await $0.unimplementedMethod() }),
        ("unimplemented_service", { try await $0.unimplementedService() }),
        ("cancel_after_begin", { try await $0.cancelAfterBegin() }),
        ("cancel_after_first_response", { try await $0.cancelAfterFirstResponse() }),
        ("timeout_on_sleeping_server", { try await $0.timeoutOnSleepingServer() }),
    ]

    let channel: RPCChannel
    let probeCompression: Bool
    var client: Grpc_Testing_TestService.Client { Grpc_Testing_TestService.Client(channel: channel) }

    static let initialKey = "x-grpc-test-echo-initial"
    static let trailingKey = "x-grpc-test-echo-trailing-bin"
    static let special = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n"

    // MARK: - Helpers

    static func payload(_ size: Int) -> Grpc_Testing_Payload {
        Grpc_Testing_Payload.with { $0.body = [UInt8](repeating: 0, count: size) }
    }

    static func bool(_ v: Bool) -> Grpc_Testing_BoolValue { Grpc_Testing_BoolValue.with { $0.value = v } }

    func expect(_ condition: Bool, _ what: @autoclosure () -> String) throws {
        if !condition { throw CaseFailure(what()) }
    }

    /// Runs `body` and requires it to fail with `code`; returns the error.
    @discardableResult
    func expectStatus(_ code: StatusCode, _ what: String, _ body: () async throws -> Void) async throws -> RPCError {
        do {
            try await body()
        } catch let error as RPCError {
            try expect(error.code == code, "\(what): expected \(code), got \(error)")
            return error
        }
        throw CaseFailure("\(what): expected \(code), the call succeeded")
    }

    func largeRequest(_ configure: (inout Grpc_Testing_SimpleRequest) -> Void = { _ in }) -> Grpc_Testing_SimpleRequest
    {
        Grpc_Testing_SimpleRequest.with {
            $0.responseSize = 314_159
            $0.payload = Self.payload(271_828)
            configure(&$0)
        }
    }

    func streamingRequest(sizes: [Int], body: Int) -> Grpc_Testing_StreamingOutputCallRequest {
        Grpc_Testing_StreamingOutputCallRequest.with {
            $0.responseParameters = sizes.map { n in Grpc_Testing_ResponseParameters.with { $0.size = Int32(n) } }
            if body > 0 { $0.payload = Self.payload(body) }
        }
    }

    // MARK: - Cases

    func emptyUnary() async throws {
        let response = try await client.emptyCall(Grpc_Testing_Empty())
        try expect(response == Grpc_Testing_Empty(), "response is not Empty")
    }

    func largeUnary() async throws {
        let response = try await client.unaryCall(largeRequest())
        try expect(response.payload?.body.count == 314_159, "body of \(response.payload?.body.count ?? 0) bytes")
    }

    func clientCompressedUnary() async throws {
        if probeCompression {
            try await expectStatus(.invalidArgument, "uncompressed probe") {
                _ = try await client.unaryCall(largeRequest { $0.expectCompressed = Self.bool(true) })
            }
        }
        let compressed = try await client.unaryCall(
            largeRequest { $0.expectCompressed = Self.bool(true) }, options: CallOptions(compression: .gzip))
        try expect(compressed.payload?.body.count == 314_159, "compressed call: wrong body size")
        let plain = try await client.unaryCall(largeRequest { $0.expectCompressed = Self.bool(false) })
        try expect(plain.payload?.body.count == 314_159, "uncompressed call: wrong body size")
    }

    func serverCompressedUnary() async throws {
        for flag in [true, false] {
            let response = try await client.unaryCall(largeRequest { $0.responseCompressed = Self.bool(flag) })
            try expect(response.payload?.body.count == 314_159, "response_compressed=\(flag): wrong body size")
        }
    }

    func clientStreaming() async throws {
        let call = try await client.streamingInputCall()
        for n in [27_182, 8, 1_828, 45_904] {
            try await call.send(Grpc_Testing_StreamingInputCallRequest.with { $0.payload = Self.payload(n) })
        }
        let response = try await call.finish()
        try expect(response.aggregatedPayloadSize == 74_922, "aggregated \(response.aggregatedPayloadSize)")
    }

    func clientCompressedStreaming() async throws {
        if probeCompression {
            try await expectStatus(.invalidArgument, "uncompressed probe") {
                let call = try await client.streamingInputCall()
                try await call.send(
                    Grpc_Testing_StreamingInputCallRequest.with {
                        $0.expectCompressed = Self.bool(true)
                        $0.payload = Self.payload(27_182)
                    })
                _ = try await call.finish()
            }
        }
        let call = try await client.streamingInputCall(options: CallOptions(compression: .gzip))
        try await call.send(
            Grpc_Testing_StreamingInputCallRequest.with {
                $0.expectCompressed = Self.bool(true)
                $0.payload = Self.payload(27_182)
            }, compressed: true)
        try await call.send(
            Grpc_Testing_StreamingInputCallRequest.with {
                $0.expectCompressed = Self.bool(false)
                $0.payload = Self.payload(45_904)
            }, compressed: false)
        let response = try await call.finish()
        try expect(response.aggregatedPayloadSize == 73_086, "aggregated \(response.aggregatedPayloadSize)")
    }

    func serverStreaming() async throws {
        let sizes = [31_415, 9, 2_653, 58_979]
        var got: [Int] = []
        for try await r in try await client.streamingOutputCall(streamingRequest(sizes: sizes, body: 0)) {
            got.append(r.payload?.body.count ?? 0)
        }
        try expect(got == sizes, "sizes \(got)")
    }

    func serverCompressedStreaming() async throws {
        let request = Grpc_Testing_StreamingOutputCallRequest.with {
            $0.responseParameters = [
                Grpc_Testing_ResponseParameters.with {
                    $0.compressed = Self.bool(true)
                    $0.size = 31_415
                },
                Grpc_Testing_ResponseParameters.with {
                    $0.compressed = Self.bool(false)
                    $0.size = 92_653
                },
            ]
        }
        var got: [Int] = []
        for try await r in try await client.streamingOutputCall(request) { got.append(r.payload?.body.count ?? 0) }
        try expect(got == [31_415, 92_653], "sizes \(got)")
    }

    func pingPong() async throws {
        let call = try await client.fullDuplexCall()
        var responses = call.responses.makeAsyncIterator()
        for (size, body) in [(31_415, 27_182), (9, 8), (2_653, 1_828), (58_979, 45_904)] {
            try await call.send(streamingRequest(sizes: [size], body: body))
            guard let r = try await responses.next() else { throw CaseFailure("stream ended early") }
            try expect(r.payload?.body.count == size, "response of \(r.payload?.body.count ?? 0) bytes, wanted \(size)")
        }
        call.finish()
        try expect(try await responses.next() == nil, "extra response")
    }

    func emptyStream() async throws {
        let call = try await client.fullDuplexCall()
        call.finish()
        var count = 0
        for try await _ in call.responses { count += 1 }
        try expect(count == 0, "\(count) responses")
    }

    func customMetadata() async throws {
        var metadata = Metadata()
        metadata.add(Self.initialKey, "test_initial_metadata_value")
        metadata.add(Self.trailingKey, binary: [0xAB, 0xAB, 0xAB])
        let options = CallOptions(metadata: metadata)

        func check(_ initial: Metadata, _ trailing: Metadata, _ what: String) throws {
            try expect(
                initial[Self.initialKey] == "test_initial_metadata_value", "\(what): initial metadata \(initial)")
            try expect(
                trailing.binaryValue(forKey: Self.trailingKey) == [0xAB, 0xAB, 0xAB],
                "\(what): trailing metadata \(trailing)")
        }

        let unary = try await channel.unaryWithMetadata(
            path: Grpc_Testing_TestService.Method.unaryCall, request: largeRequest(),
            as: Grpc_Testing_SimpleResponse.self,
            options: options)
        try expect(unary.message.payload?.body.count == 314_159, "unary body size")
        try check(unary.initialMetadata, unary.trailingMetadata, "unary")

        let call = try await client.fullDuplexCall(options: options)
        try await call.send(streamingRequest(sizes: [314_159], body: 271_828))
        call.finish()
        var sizes: [Int] = []
        for try await r in call.responses { sizes.append(r.payload?.body.count ?? 0) }
        try expect(sizes == [314_159], "bidi sizes \(sizes)")
        try check(try await call.initialMetadata(), await call.trailingMetadata(), "bidi")
    }

    func statusCodeAndMessage() async throws {
        let status = Grpc_Testing_EchoStatus.with {
            $0.code = 2
            $0.message = "test status message"
        }
        let e1 = try await expectStatus(.unknown, "unary") {
            _ = try await client.unaryCall(Grpc_Testing_SimpleRequest.with { $0.responseStatus = status })
        }
        try expect(e1.message == "test status message", "unary message \(e1.message.debugDescription)")
        let e2 = try await expectStatus(.unknown, "bidi") {
            let call = try await client.fullDuplexCall()
            try await call.send(Grpc_Testing_StreamingOutputCallRequest.with { $0.responseStatus = status })
            call.finish()
            for try await _ in call.responses {}
        }
        try expect(e2.message == "test status message", "bidi message \(e2.message.debugDescription)")
    }

    func specialStatusMessage() async throws {
        let status = Grpc_Testing_EchoStatus.with {
            $0.code = 2
            $0.message = Self.special
        }
        let e = try await expectStatus(.unknown, "unary") {
            _ = try await client.unaryCall(Grpc_Testing_SimpleRequest.with { $0.responseStatus = status })
        }
        try expect(e.message == Self.special, "message \(e.message.debugDescription)")
    }

    func unimplementedMethod() async throws {
        try await expectStatus(.unimplemented, "UnimplementedCall") {
            _ = try await client.unimplementedCall(Grpc_Testing_Empty())
        }
    }

    func unimplementedService() async throws {
        try await expectStatus(.unimplemented, "UnimplementedService") {
            _ = try await Grpc_Testing_UnimplementedService.Client(channel: channel).unimplementedCall(
                Grpc_Testing_Empty())
        }
    }

    func cancelAfterBegin() async throws {
        let call = try await client.streamingInputCall()
        call.cancel()
        try await expectStatus(.cancelled, "cancelled call") { _ = try await call.finish() }
    }

    func cancelAfterFirstResponse() async throws {
        let call = try await client.fullDuplexCall()
        var responses = call.responses.makeAsyncIterator()
        try await call.send(streamingRequest(sizes: [31_415], body: 27_182))
        guard let first = try await responses.next() else { throw CaseFailure("no first response") }
        try expect(first.payload?.body.count == 31_415, "first response size")
        call.cancel()
        try await expectStatus(.cancelled, "after cancel") {
            while try await responses.next() != nil {}
        }
    }

    func timeoutOnSleepingServer() async throws {
        let call = try await client.fullDuplexCall(options: CallOptions(timeout: .milliseconds(1)))
        // The send may already fail because the deadline passed: the final status is what counts.
        try? await call.send(Grpc_Testing_StreamingOutputCallRequest.with { $0.payload = Self.payload(27_182) })
        try await expectStatus(.deadlineExceeded, "sleeping server") {
            for try await _ in call.responses {}
        }
    }
}
