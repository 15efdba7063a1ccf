import H2RPC
import H2RPCTracing
import InMemoryTracing
import Testing
import Tracing

/// One client and one server span per call over a real loopback server, the server's a child of
/// the client's through the `traceparent` metadata, with the OpenTelemetry RPC attributes.
@Suite struct TracingTests {
    private func spans(_ tracer: W3CTestTracer) -> (client: [FinishedInMemorySpan], server: [FinishedInMemorySpan]) {
        let finished = tracer.recorder.finishedSpans
        return (finished.filter { $0.kind == .client }, finished.filter { $0.kind == .server })
    }

    @Test func spansShareTheTraceAndTheServerSpanIsTheClientSpansChild() async throws {
        let tracer = W3CTestTracer()
        let seen = SeenMetadata()
        try await withObservedServer(
            seen: seen, server: [ServerTracingInterceptor(tracer: tracer)],
            client: [ClientTracingInterceptor(tracer: tracer, serverAddress: "127.0.0.1")]
        ) { channel, port in
            _ = try await channel.unary(
                path: "/obs.Test/Echo", request: HealthCheckRequest(service: "x"), as: HealthCheckRequest.self)
            let (client, server) = spans(tracer)
            try #require(client.count == 1 && server.count == 1)
            #expect(client[0].operationName == "obs.Test/Echo")
            #expect(server[0].operationName == "obs.Test/Echo")
            #expect(server[0].traceID == client[0].traceID)
            #expect(server[0].parentSpanID == client[0].spanID)
            #expect(client[0].parentSpanID == nil)

            // What went over the wire: W3C traceparent carrying the client span.
            let traceparent = try #require(seen.all.first ?? nil)
            let parts = traceparent.split(separator: "-")
            #expect(parts.count == 4 && parts[0] == "00" && parts[3] == "01")
            #expect(parts.count == 4 && parts[1] == client[0].traceID && parts[2] == client[0].spanID)
            #expect(traceparent.allSatisfy { $0 == "-" || ("0"..."9").contains($0) || ("a"..."f").contains($0) })

            for span in [client[0], server[0]] {
                #expect(span.attributes["rpc.system.name"]?.toSpanAttribute() == "grpc")
                #expect(span.attributes["rpc.method"]?.toSpanAttribute() == "obs.Test/Echo")
                #expect(span.attributes["rpc.status_code"]?.toSpanAttribute() == "OK")
                #expect(span.attributes["error.type"] == nil)
                #expect(span.status == nil)
            }
            #expect(client[0].attributes["server.address"]?.toSpanAttribute() == "127.0.0.1")
            #expect(server[0].attributes["server.address"]?.toSpanAttribute() == "127.0.0.1")
            #expect(server[0].attributes["server.port"]?.toSpanAttribute() == .int64(Int64(port)))
            #expect(server[0].attributes["network.peer.address"]?.toSpanAttribute() == "127.0.0.1")
        }
    }

    @Test func failedCallsCarryTheStatusByName() async throws {
        let tracer = W3CTestTracer()
        try await withObservedServer(
            server: [ServerTracingInterceptor(tracer: tracer)], client: [ClientTracingInterceptor(tracer: tracer)]
        ) {
            channel, _ in
            for code in ["not-found", "internal"] {
                let error = await rpcError {
                    _ = try await channel.unary(
                        path: "/obs.Test/Fail", request: HealthCheckRequest(service: code), as: HealthCheckRequest.self)
                }
                #expect(error != nil)
            }
            let (client, server) = spans(tracer)
            try #require(client.count == 2 && server.count == 2)
            let names = ["NOT_FOUND", "INTERNAL"]
            for (index, name) in names.enumerated() {
                #expect(client[index].attributes["rpc.status_code"]?.toSpanAttribute() == .string(name))
                #expect(client[index].attributes["error.type"]?.toSpanAttribute() == .string(name))
                // Every failure is an error for the client.
                #expect(client[index].status?.code == .error)
                #expect(server[index].attributes["rpc.status_code"]?.toSpanAttribute() == .string(name))
            }
            // The server marks only its own failures: INTERNAL is, NOT_FOUND is the client's doing.
            #expect(server[0].status == nil)
            #expect(server[1].status?.code == .error)
            #expect(server[1].status?.message == "INTERNAL, failed on purpose")
        }
    }

    @Test func aCallWithoutIncomingContextStartsAServerRoot() async throws {
        let tracer = W3CTestTracer()
        try await withObservedServer(server: [ServerTracingInterceptor(tracer: tracer)], client: []) { channel, _ in
            _ = try await channel.unary(
                path: "/obs.Test/Echo", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            let (client, server) = spans(tracer)
            #expect(client.isEmpty)
            try #require(server.count == 1)
            #expect(server[0].parentSpanID == nil)
        }
    }

    /// A `traceparent` the tracer cannot read leaves the server span a root; the call still succeeds.
    @Test(arguments: ["garbage", "00-abc-def-01"])
    func malformedTraceparentIsIgnored(_ value: String) async throws {
        let tracer = W3CTestTracer()
        try await withObservedServer(server: [ServerTracingInterceptor(tracer: tracer)], client: []) { channel, _ in
            _ = try await channel.unary(
                path: "/obs.Test/Echo", request: HealthCheckRequest(), as: HealthCheckRequest.self,
                options: CallOptions(metadata: ["traceparent": .string(value)]))
            let (_, server) = spans(tracer)
            try #require(server.count == 1)
            #expect(server[0].parentSpanID == nil)
        }
    }
}
