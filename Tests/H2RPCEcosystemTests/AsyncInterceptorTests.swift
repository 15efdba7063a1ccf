import H2RPC
import ProtoWire
import TestSupport
import Testing

/// `/intercept.Test/Echo` answers with the request's text; `/intercept.Test/Fail` fails with
/// NOT_FOUND; `/intercept.Test/Auth` answers with the request's `authorization` metadata.
struct InterceptedService: RPCService {
    var methods: [RPCMethod] {
        [
            .unary(path: "/intercept.Test/Echo", service: self) {
                (_: InterceptedService, request: HealthCheckRequest, _: ServerContext) -> HealthCheckRequest in
                request
            },
            .unary(path: "/intercept.Test/Fail", service: self) {
                (_: InterceptedService, _: HealthCheckRequest, _: ServerContext) -> HealthCheckRequest in
                throw RPCError(code: .notFound, message: "no such thing")
            },
            .unary(path: "/intercept.Test/Auth", service: self) {
                (_: InterceptedService, _: HealthCheckRequest, context: ServerContext) -> HealthCheckRequest in
                HealthCheckRequest(service: context.requestMetadata["authorization"] ?? "none")
            },
        ]
    }
}

/// Hands out tokens from an actor: the client interceptor must suspend to get one.
actor TokenSource {
    private var issued = 0
    func next() async -> String {
        issued += 1
        return "Bearer token-\(issued)"
    }
}

/// Appends `tag` to each HealthCheckRequest's text on the way out and `tag` + "-r" on the way back;
/// records the call's kind, message counts and end.
struct TaggingClientInterceptor: ClientInterceptor {
    let tag: String
    let log: Locked<[String]>

    func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> (any ClientCallObserver)? {
        log.withLock { $0.append("\(tag) start \(call.serviceName) \(call.methodName) \(call.kind)") }
        return Observer(tag: tag, log: log)
    }

    struct Observer: ClientCallObserver {
        let tag: String
        let log: Locked<[String]>

        func sending<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message {
            log.withLock { $0.append("\(tag) send") }
            guard var request = message as? HealthCheckRequest else { return message }
            request.service += "+\(tag)"
            return request as? Message ?? message
        }

        func received<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message {
            log.withLock { $0.append("\(tag) receive") }
            guard var response = message as? HealthCheckRequest else { return message }
            response.service += "+\(tag)-r"
            return response as? Message ?? message
        }

        func finished(status: RPCError?, trailingMetadata: Metadata) {
            log.withLock { $0.append("\(tag) end \(status?.code ?? .ok) \(trailingMetadata["x-why"] ?? "-")") }
        }
    }
}

/// Server side: tags requests and responses, and turns NOT_FOUND into PERMISSION_DENIED with
/// trailing metadata.
struct TaggingServerInterceptor: ServerInterceptor {
    func intercept(context: ServerContext, next: () async throws -> Void) async throws {
        do {
            try await next()
        } catch let error as RPCError where error.code == .notFound {
            throw RPCError(
                code: .permissionDenied, message: "hidden: \(error.message)",
                trailingMetadata: Metadata([("x-why", "policy")]))
        }
    }

    func received<Message: ProtoMessage>(_ message: Message, context: ServerContext) async throws(RPCError) -> Message {
        guard var request = message as? HealthCheckRequest else { return message }
        request.service += "+s-in"
        return request as? Message ?? message
    }

    func sending<Message: ProtoMessage>(_ message: Message, context: ServerContext) async throws(RPCError) -> Message {
        guard var response = message as? HealthCheckRequest else { return message }
        response.service += "+s-out"
        return response as? Message ?? message
    }
}

/// Fetches a token asynchronously and sends it as `authorization`.
struct TokenInterceptor: ClientInterceptor {
    let source: TokenSource

    func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> (any ClientCallObserver)? {
        options.metadata.add("authorization", await source.next())
        return nil
    }
}

/// Refuses every call before it is sent.
struct RefusingInterceptor: ClientInterceptor {
    func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> (any ClientCallObserver)? {
        throw RPCError(code: .unauthenticated, message: "no credentials")
    }
}

/// Async interceptors over a real loopback server: messages changed on both sides in order,
/// status replaced by a server interceptor, tokens fetched asynchronously, streaming calls.
@Suite struct AsyncInterceptorTests {
    @Test func messagesPassEveryHookInOrder() async throws {
        let log = Locked<[String]>([])
        let client = [TaggingClientInterceptor(tag: "a", log: log), TaggingClientInterceptor(tag: "b", log: log)]
        try await withServer(
            [InterceptedService()], serverInterceptors: [TaggingServerInterceptor()], clientInterceptors: client
        ) {
            _, channel, _ in
            let response = try await channel.unary(
                path: "/intercept.Test/Echo", request: HealthCheckRequest(service: "hi"), as: HealthCheckRequest.self)
            // Requests pass the client interceptors in order, responses in reverse.
            #expect(response.service == "hi+a+b+s-in+s-out+b-r+a-r")
        }
        #expect(
            log.value == [
                "a start intercept.Test Echo unary", "b start intercept.Test Echo unary", "a send", "b send",
                "b receive", "a receive", "b end OK -", "a end OK -",
            ])
    }

    @Test func serverInterceptorReplacesTheStatus() async throws {
        let log = Locked<[String]>([])
        try await withServer(
            [InterceptedService()], serverInterceptors: [TaggingServerInterceptor()],
            clientInterceptors: [TaggingClientInterceptor(tag: "a", log: log)]
        ) { _, channel, _ in
            let error = await rpcError {
                _ = try await channel.unary(
                    path: "/intercept.Test/Fail", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            }
            #expect(error?.code == .permissionDenied)
            #expect(error?.message == "hidden: no such thing")
        }
        #expect(log.value.last == "a end PERMISSION_DENIED policy")
    }

    @Test func asyncInterceptorFetchesATokenPerCall() async throws {
        let source = TokenSource()
        try await withServer([InterceptedService()], clientInterceptors: [TokenInterceptor(source: source)]) {
            _, channel, _ in
            for expected in ["Bearer token-1", "Bearer token-2"] {
                let answer = try await channel.unary(
                    path: "/intercept.Test/Auth", request: HealthCheckRequest(), as: HealthCheckRequest.self)
                #expect(answer.service == expected)
            }
        }
    }

    @Test func refusalEndsTheCallBeforeItIsSentAndEarlierObserversHearIt() async throws {
        let log = Locked<[String]>([])
        try await withServer(
            [InterceptedService()],
            clientInterceptors: [TaggingClientInterceptor(tag: "a", log: log), RefusingInterceptor()]
        ) { server, channel, _ in
            let error = await rpcError {
                _ = try await channel.unary(
                    path: "/intercept.Test/Echo", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            }
            #expect(error?.code == .unauthenticated)
            #expect(server.connectionCount == 0)
        }
        #expect(log.value == ["a start intercept.Test Echo unary", "a end UNAUTHENTICATED -"])
    }

    @Test func bidiStreamingMessagesPassTheHooks() async throws {
        let log = Locked<[String]>([])
        try await withServer(
            [ChatService()], serverInterceptors: [TaggingServerInterceptor()],
            clientInterceptors: [TaggingClientInterceptor(tag: "a", log: log)]
        ) { _, channel, _ in
            let call: BidiStreamingCall<HealthCheckRequest, HealthCheckRequest> = try await channel.bidiStreaming(
                path: "/signals.Echo/Chat")
            var answers: [String] = []
            var responses = call.responses.makeAsyncIterator()
            for text in ["x", "y"] {
                try await call.send(HealthCheckRequest(service: text))
                answers.append(try await responses.next()?.service ?? "none")
            }
            call.finish()
            #expect(try await responses.next() == nil)
            #expect(answers == ["x+a+s-in+s-out+a-r", "y+a+s-in+s-out+a-r"])
        }
        #expect(
            log.value == [
                "a start signals.Echo Chat bidiStreaming", "a send", "a receive", "a send", "a receive", "a end OK -",
            ])
    }
}

/// Refuses request messages whose text is "bad" (client side: before sending; server side: before the handler).
struct RefuseBadText: ClientInterceptor, ServerInterceptor {
    let log: Locked<[String]>

    func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> (any ClientCallObserver)? {
        Observer(log: log)
    }

    struct Observer: ClientCallObserver {
        let log: Locked<[String]>
        func sending<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message {
            if (message as? HealthCheckRequest)?.service == "bad" {
                throw RPCError(code: .invalidArgument, message: "client refused \"bad\"")
            }
            return message
        }
        func finished(status: RPCError?, trailingMetadata: Metadata) {
            log.withLock { $0.append("end \(status?.code ?? .ok)") }
        }
    }

    func received<Message: ProtoMessage>(_ message: Message, context: ServerContext) async throws(RPCError) -> Message {
        if (message as? HealthCheckRequest)?.service == "worse" {
            throw RPCError(code: .failedPrecondition, message: "server refused \"worse\"")
        }
        return message
    }
}

@Suite struct InterceptorRefusalTests {
    @Test func aClientObserverThatThrowsOnSendEndsTheStreamingCallWithItsStatus() async throws {
        let log = Locked<[String]>([])
        try await withServer([ChatService()], clientInterceptors: [RefuseBadText(log: log)]) { _, channel, _ in
            let call: BidiStreamingCall<HealthCheckRequest, HealthCheckRequest> = try await channel.bidiStreaming(
                path: "/signals.Echo/Chat")
            var responses = call.responses.makeAsyncIterator()
            try await call.send(HealthCheckRequest(service: "good"))
            #expect(try await responses.next()?.service == "good")
            let refused = await rpcError { try await call.send(HealthCheckRequest(service: "bad")) }
            #expect(refused?.code == .invalidArgument)
            #expect(refused?.message == "client refused \"bad\"")
            // The call is over with that status: the response side ends with it too.
            let after = await rpcError { _ = try await responses.next() }
            #expect(after?.code == .invalidArgument)
        }
        #expect(log.value == ["end INVALID_ARGUMENT"])
    }

    @Test func aServerHookThatRefusesAMessageEndsTheCallWithItsStatus() async throws {
        let log = Locked<[String]>([])
        try await withServer([InterceptedService()], serverInterceptors: [RefuseBadText(log: log)]) { _, channel, _ in
            let refused = await rpcError {
                _ = try await channel.unary(
                    path: "/intercept.Test/Echo", request: HealthCheckRequest(service: "worse"),
                    as: HealthCheckRequest.self)
            }
            #expect(refused?.code == .failedPrecondition)
            #expect(refused?.message == "server refused \"worse\"")
            let fine = try await channel.unary(
                path: "/intercept.Test/Echo", request: HealthCheckRequest(service: "ok"), as: HealthCheckRequest.self)
            #expect(fine.service == "ok")
        }
    }
}
