import H2RPC
import H2RPCMetrics
import MetricsTestKit
import Testing

/// Counters and timers per method and status, from both ends of real loopback calls, into
/// swift-metrics' TestMetrics backend.
@Suite struct MetricsTests {
    @Test func unaryCallsAreCountedAndTimedByMethodAndStatus() async throws {
        let serverMetrics = TestMetrics()
        let clientMetrics = TestMetrics()
        try await withObservedServer(
            server: [ServerMetricsInterceptor(factory: serverMetrics)],
            client: [ClientMetricsInterceptor(factory: clientMetrics)]
        ) { channel, _ in
            for _ in 0..<2 {
                _ = try await channel.unary(
                    path: "/obs.Test/Echo", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            }
            _ = await rpcError {
                _ = try await channel.unary(
                    path: "/obs.Test/Fail", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            }
        }
        let echo = [("rpc.method", "obs.Test/Echo")]
        let echoOK = echo + [("rpc.status_code", "OK")]
        let failNotFound = [("rpc.method", "obs.Test/Fail"), ("rpc.status_code", "NOT_FOUND")]
        for (metrics, side) in [(serverMetrics, "server"), (clientMetrics, "client")] {
            #expect(metrics.counterTotal(label: "rpc.\(side).calls.started", dimensions: echo) == 2)
            #expect(
                metrics.counterTotal(label: "rpc.\(side).calls.started", dimensions: [("rpc.method", "obs.Test/Fail")])
                    == 1)
            #expect(metrics.counterTotal(label: "rpc.\(side).calls.finished", dimensions: echoOK) == 2)
            #expect(metrics.counterTotal(label: "rpc.\(side).calls.finished", dimensions: failNotFound) == 1)
            let okTimer = try metrics.expectTimer("rpc.\(side).duration", echoOK)
            #expect(okTimer.values.count == 2)
            #expect(okTimer.values.allSatisfy { $0 > 0 })
            #expect(try metrics.expectTimer("rpc.\(side).duration", failNotFound).values.count == 1)
        }
        #expect(serverMetrics.counterTotal(label: "rpc.server.messages.received", dimensions: echo) == 2)
        #expect(serverMetrics.counterTotal(label: "rpc.server.messages.sent", dimensions: echo) == 2)
        #expect(clientMetrics.counterTotal(label: "rpc.client.messages.sent", dimensions: echo) == 2)
        #expect(clientMetrics.counterTotal(label: "rpc.client.messages.received", dimensions: echo) == 2)
    }

    @Test func streamedMessagesAreCounted() async throws {
        let serverMetrics = TestMetrics()
        let clientMetrics = TestMetrics()
        try await withObservedServer(
            server: [ServerMetricsInterceptor(factory: serverMetrics)],
            client: [ClientMetricsInterceptor(factory: clientMetrics)]
        ) { channel, _ in
            let call: BidiStreamingCall<HealthCheckRequest, HealthCheckRequest> = try await channel.bidiStreaming(
                path: "/obs.Test/Chat")
            var responses = call.responses.makeAsyncIterator()
            for _ in 0..<3 {
                try await call.send(HealthCheckRequest())
                _ = try await responses.next()
            }
            call.finish()
            #expect(try await responses.next() == nil)
        }
        let chat = [("rpc.method", "obs.Test/Chat")]
        #expect(serverMetrics.counterTotal(label: "rpc.server.messages.received", dimensions: chat) == 3)
        #expect(serverMetrics.counterTotal(label: "rpc.server.messages.sent", dimensions: chat) == 3)
        #expect(clientMetrics.counterTotal(label: "rpc.client.messages.sent", dimensions: chat) == 3)
        #expect(clientMetrics.counterTotal(label: "rpc.client.messages.received", dimensions: chat) == 3)
        #expect(
            clientMetrics.counterTotal(
                label: "rpc.client.calls.finished", dimensions: chat + [("rpc.status_code", "OK")]) == 1)
        #expect(
            serverMetrics.counterTotal(
                label: "rpc.server.calls.finished", dimensions: chat + [("rpc.status_code", "OK")]) == 1)
    }
}
