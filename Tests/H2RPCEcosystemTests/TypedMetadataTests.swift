import Glibc
import H2RPC
import InteropProto
import Testing

/// The generated client's `metadata:` variants against grpcio's interop server, which echoes
/// `x-grpc-test-echo-initial` into its response headers and `x-grpc-test-echo-trailing-bin` into
/// its trailers (interop_server.py).
@Suite struct TypedMetadataTests {
    private func withInteropServer(_ body: (Grpc_Testing_TestService.Client) async throws -> Void) async throws {
        let peer = try PeerProcess(
            try TestPaths.python3(), ["-u", TestPaths.python + "/interop_server.py", "--port", "0"])
        let line = try await peer.nextLine() ?? ""
        guard line.hasPrefix("listening on "), let port = Int(line.dropFirst("listening on ".count)) else {
            Issue.record("interop_server.py said \"\(line)\"")
            peer.signal(SIGTERM)
            _ = try await peer.waitForExit()
            return
        }
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        var failure: (any Error)?
        do {
            try await body(Grpc_Testing_TestService.Client(channel: channel))
        } catch {
            failure = error
        }
        await channel.close()
        peer.signal(SIGTERM)
        _ = try await peer.waitForExit()
        if let failure { throw failure }
    }

    @Test func unaryCallSendsMetadataAndReturnsHeadersAndTrailers() async throws {
        try await withInteropServer { client in
            var request = Grpc_Testing_SimpleRequest()
            request.responseSize = 3
            let trailing: [UInt8] = [0xAB, 0xAB, 0xAB, 0x00, 0xFF]
            var metadata: Metadata = ["x-grpc-test-echo-initial": "test_initial_metadata_value"]
            metadata.add("x-grpc-test-echo-trailing-bin", binary: trailing)
            let response = try await client.unaryCall(request, metadata: metadata)
            #expect(response.message.payload?.body == [0, 0, 0])
            #expect(response.initialMetadata["x-grpc-test-echo-initial"] == "test_initial_metadata_value")
            #expect(response.trailingMetadata.binaryValue(forKey: "x-grpc-test-echo-trailing-bin") == trailing)
            // The plain variant still returns only the message.
            let plain: Grpc_Testing_SimpleResponse = try await client.unaryCall(request)
            #expect(plain.payload?.body == [0, 0, 0])
        }
    }

    @Test func bidiCallSendsMetadataAndReadsHeadersAndTrailers() async throws {
        try await withInteropServer { client in
            var metadata = Metadata()
            metadata.add("x-grpc-test-echo-initial", "bidi-initial")
            metadata.add("x-grpc-test-echo-trailing-bin", binary: [1, 2, 3])
            // The deadline only guards against a hang: a fresh-clone CI run with a fuzzer beside it
            // once took over 10 s here to start python's server and connect.
            let call = try await client.fullDuplexCall(metadata: metadata, options: CallOptions(timeout: .seconds(60)))
            var request = Grpc_Testing_StreamingOutputCallRequest()
            var parameters = Grpc_Testing_ResponseParameters()
            parameters.size = 2
            request.responseParameters = [parameters]
            try await call.send(request)
            call.finish()
            var sizes: [Int] = []
            for try await response in call.responses { sizes.append(response.payload?.body.count ?? -1) }
            #expect(sizes == [2])
            #expect(try await call.initialMetadata()["x-grpc-test-echo-initial"] == "bidi-initial")
            #expect(await call.trailingMetadata().binaryValue(forKey: "x-grpc-test-echo-trailing-bin") == [1, 2, 3])
        }
    }

    @Test func metadataLiteralKeepsOrderAndLowerCasesKeys() {
        let token = "t-1"
        let metadata: Metadata = ["X-One": "1", "x-two": "Bearer \(token)"]
        #expect(metadata.map(\.key) == ["x-one", "x-two"])
        #expect(metadata["x-two"] == "Bearer t-1")
        let options = CallOptions(metadata: ["a": "1"]).adding(["b": "2"])
        #expect(options.metadata.map(\.key) == ["a", "b"])
    }
}
