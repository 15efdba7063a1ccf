import H2RPC
import InteropProto

/// `grpc.testing.TestService` as gRPC's interop test descriptions (`doc/interop-test-descriptions.md`)
/// describe the server: payloads of zeros, compression on request, echoed status and
/// metadata, per-message compression checks.
struct TestServiceImplementation: Grpc_Testing_TestService.ServiceProtocol {
    static let initialKey = "x-grpc-test-echo-initial"
    static let trailingKey = "x-grpc-test-echo-trailing-bin"
    /// Sent back as `server_id` when a request sets `fill_server_id`: tells replicas apart behind a proxy.
    let serverID: String

    func emptyCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        Grpc_Testing_Empty()
    }

    func unaryCall(
        request: Grpc_Testing_SimpleRequest, context: ServerContext
    ) async throws -> Grpc_Testing_SimpleResponse {
        try checkCompressed(request.expectCompressed, context)
        echoMetadata(context)
        if let status = request.responseStatus, status.code != 0 {
            throw RPCError(code: StatusCode(rawValue: Int(status.code)), message: status.message)
        }
        if let compressed = request.responseCompressed { context.compressResponses = compressed.value }
        return Grpc_Testing_SimpleResponse.with {
            $0.payload = Self.payload(Int(request.responseSize))
            if request.fillServerID { $0.serverID = serverID }
        }
    }

    func cacheableUnaryCall(
        request: Grpc_Testing_SimpleRequest, context: ServerContext
    ) async throws -> Grpc_Testing_SimpleResponse {
        // Cacheable responses need a caching proxy to mean anything; the payload is the current time.
        Grpc_Testing_SimpleResponse.with {
            $0.payload = Grpc_Testing_Payload.with { $0.body = Array(String(describing: ContinuousClock.now).utf8) }
        }
    }

    func streamingOutputCall(
        request: Grpc_Testing_StreamingOutputCallRequest,
        responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>,
        context: ServerContext
    ) async throws {
        if let status = request.responseStatus, status.code != 0 {
            throw RPCError(code: StatusCode(rawValue: Int(status.code)), message: status.message)
        }
        for parameters in request.responseParameters {
            try await respond(parameters, responses)
        }
    }

    func streamingInputCall(
        requests: RequestStream<Grpc_Testing_StreamingInputCallRequest>, context: ServerContext
    ) async throws -> Grpc_Testing_StreamingInputCallResponse {
        var total = 0
        for try await request in requests {
            try checkCompressed(request.expectCompressed, context)
            total += request.payload?.body.count ?? 0
        }
        return Grpc_Testing_StreamingInputCallResponse.with { $0.aggregatedPayloadSize = Int32(total) }
    }

    func fullDuplexCall(
        requests: RequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        echoMetadata(context)
        for try await request in requests {
            if let status = request.responseStatus, status.code != 0 {
                throw RPCError(code: StatusCode(rawValue: Int(status.code)), message: status.message)
            }
            for parameters in request.responseParameters {
                try await respond(parameters, responses)
            }
        }
    }

    func halfDuplexCall(
        requests: RequestStream<Grpc_Testing_StreamingOutputCallRequest>,
        responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>, context: ServerContext
    ) async throws {
        var buffered: [Grpc_Testing_StreamingOutputCallRequest] = []
        for try await request in requests { buffered.append(request) }
        for request in buffered {
            for parameters in request.responseParameters { try await respond(parameters, responses) }
        }
    }

    /// Interop servers must not implement this method; the status is what "not implemented" means.
    func unimplementedCall(request: Grpc_Testing_Empty, context: ServerContext) async throws -> Grpc_Testing_Empty {
        throw RPCError(
            code: .unimplemented, message: "unknown method UnimplementedCall for service grpc.testing.TestService")
    }

    // MARK: - Helpers

    private func respond(
        _ parameters: Grpc_Testing_ResponseParameters,
        _ responses: ResponseWriter<Grpc_Testing_StreamingOutputCallResponse>
    ) async throws {
        if parameters.intervalUs > 0 { try await Task.sleep(for: .microseconds(Int(parameters.intervalUs))) }
        let response = Grpc_Testing_StreamingOutputCallResponse.with { $0.payload = Self.payload(Int(parameters.size)) }
        try await responses.send(response, compressed: parameters.compressed?.value ?? false)
    }

    /// CompressedRequest: `expect_compressed = true` on a message that arrived uncompressed → INVALID_ARGUMENT.
    private func checkCompressed(_ expect: Grpc_Testing_BoolValue?, _ context: ServerContext) throws {
        if let expect, expect.value, !context.lastRequestWasCompressed {
            throw RPCError(code: .invalidArgument, message: "expected a compressed request message")
        }
    }

    private func echoMetadata(_ context: ServerContext) {
        if let initial = context.requestMetadata[Self.initialKey] {
            context.responseMetadata.add(Self.initialKey, initial)
        }
        if let trailing = context.requestMetadata.binaryValue(forKey: Self.trailingKey) {
            context.trailingMetadata.add(Self.trailingKey, binary: trailing)
        }
    }

    static func payload(_ size: Int) -> Grpc_Testing_Payload {
        Grpc_Testing_Payload.with { $0.body = [UInt8](repeating: 0, count: size) }
    }
}
