import H2RPC
import Testing

/// The generated service protocol and client (services.proto) plug into H2RPC with no glue: a real
/// server on 127.0.0.1 and a real channel, one call of each kind.
@Suite struct GeneratedServiceTests {
    struct Calculator: Svc_Test_Calc.ServiceProtocol {
        func double(request: Svc_Test_Num, context: ServerContext) async throws -> Svc_Test_Num {
            .with { $0.value = request.value * 2 }
        }

        func sum(requests: RequestStream<Svc_Test_Num>, context: ServerContext) async throws -> Svc_Test_Num {
            var total: Int64 = 0
            for try await n in requests { total += n.value }
            return .with { $0.value = total }
        }

        func count(request: Svc_Test_Num, responses: ResponseWriter<Svc_Test_Num>, context: ServerContext) async throws
        {
            for i in 0..<request.value { try await responses.send(.with { $0.value = i + 1 }) }
        }

        func negate(
            requests: RequestStream<Svc_Test_Num>, responses: ResponseWriter<Svc_Test_Num>,
            context: ServerContext
        ) async throws {
            for try await n in requests { try await responses.send(.with { $0.value = -n.value }) }
        }
    }

    @Test func everyKindOfCall() async throws {
        #expect(
            Calculator().methods.map(\.path) == [
                "/svc.test.Calc/Double", "/svc.test.Calc/Sum", "/svc.test.Calc/Count", "/svc.test.Calc/Negate",
            ])
        let server = RPCServer(services: [Calculator()])
        let port = try await server.start(host: "127.0.0.1", port: 0)
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let client = Svc_Test_Calc.Client(channel: channel)

        #expect(try await client.double(.with { $0.value = 21 }).value == 42)

        let sum = try await client.sum()
        for v in [1, 2, 3, 4] as [Int64] { try await sum.send(.with { $0.value = v }) }
        #expect(try await sum.finish().value == 10)

        var counted: [Int64] = []
        for try await n in try await client.count(.with { $0.value = 5 }) { counted.append(n.value) }
        #expect(counted == [1, 2, 3, 4, 5])

        let negate = try await client.negate()
        var iterator = negate.responses.makeAsyncIterator()
        for v in [7, -8, 9] as [Int64] {
            try await negate.send(.with { $0.value = v })
            #expect(try await iterator.next()?.value == -v)
        }
        negate.finish()
        #expect(try await iterator.next() == nil)

        await channel.close()
        await server.shutdown()
    }
}
