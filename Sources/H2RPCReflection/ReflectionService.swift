public import H2RPC
public import ProtoWire
import H2RPCHealthProto

/// gRPC server reflection (`grpc.reflection.v1.ServerReflection` and `grpc.reflection.v1alpha`), so
/// that grpcurl, Postman and grpcio's reflection client can list the server's services and call them
/// without the `.proto` files.
///
/// It serves the `FileDescriptorProto`s that generated code embeds (each service namespace's
/// `fileDescriptor`, each file's `…_ProtoFile.descriptor`) and those of their imports:
///
/// ```swift
/// let echo = EchoService()
/// let reflection = ReflectionService(services: [echo], files: [Echo_Echo.fileDescriptor])
/// let server = RPCServer(services: [echo, reflection])
/// ```
public struct ReflectionService: RPCService {
    let index: ReflectionIndex

    /// Reflection that lists `services` (the names in their method paths) and itself, and serves
    /// `files`, the files they import, and its own files. When `services` holds H2RPC's
    /// `HealthService`, `grpc/health/v1/health.proto` is served too.
    public init(services: [any RPCService], files: [ProtoFileDescriptor]) {
        var names = Set(services.flatMap { $0.methods.compactMap { Self.serviceName(ofPath: $0.path) } })
        names.formUnion(["grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection"])
        var served =
            files + [
                Grpc_Reflection_V1_Reflection_ProtoFile.descriptor,
                Grpc_Reflection_V1alpha_Reflection_ProtoFile.descriptor,
            ]
        if names.contains(Grpc_Health_V1_Health.serviceName) { served.append(Grpc_Health_V1_Health.fileDescriptor) }
        index = ReflectionIndex(files: served, serviceNames: names.sorted())
    }

    /// `pkg.Service` from `/pkg.Service/Method`.
    private static func serviceName(ofPath path: String) -> String? {
        let parts = path.split(separator: "/")
        return parts.count == 2 ? String(parts[0]) : nil
    }

    /// The full names of the services this reflection service lists.
    public var serviceNames: [String] { index.serviceNames }

    /// Both protocol versions' `ServerReflectionInfo`.
    public var methods: [RPCMethod] {
        V1(index: index).methods + V1Alpha(index: index).methods
    }
}

/// One reflection stream: each request is answered in order; files already sent on the stream are not
/// sent again, as the protocol allows and grpc-go does.
private func answerEach<Request: ProtoMessage, Response: ProtoMessage>(
    _ requests: RequestStream<Request>, _ responses: ResponseWriter<Response>, index: ReflectionIndex,
    question: (Request) -> ReflectionQuestion, response: (Request, ReflectionAnswer) -> Response
) async throws {
    var sent = Set<String>()
    for try await request in requests {
        try await responses.send(response(request, index.answer(question(request), sent: &sent)))
    }
}

private struct V1: Grpc_Reflection_V1_ServerReflection.ServiceProtocol {
    typealias Request = Grpc_Reflection_V1_ServerReflectionRequest
    typealias Response = Grpc_Reflection_V1_ServerReflectionResponse
    let index: ReflectionIndex

    func serverReflectionInfo(
        requests: RequestStream<Request>, responses: ResponseWriter<Response>, context: ServerContext
    ) async throws {
        try await answerEach(requests, responses, index: index, question: Self.question, response: Self.response)
    }

    static func question(_ request: Request) -> ReflectionQuestion {
        switch request.messageRequest {
        case .fileByFilename(let name)?: .fileByName(name)
        case .fileContainingSymbol(let symbol)?: .fileContainingSymbol(symbol)
        case .fileContainingExtension(let e)?:
            .fileContainingExtension(type: e.containingType, number: e.extensionNumber)
        case .allExtensionNumbersOfType(let type)?: .allExtensionNumbers(type: type)
        case .listServices?: .listServices
        case nil: .missing
        }
    }

    static func response(_ request: Request, _ answer: ReflectionAnswer) -> Response {
        Response.with {
            $0.validHost = request.host
            $0.originalRequest = request
            switch answer {
            case .files(let files):
                $0.messageResponse = .fileDescriptorResponse(.with { $0.fileDescriptorProto = files })
            case .extensionNumbers(let type, let numbers):
                $0.messageResponse = .allExtensionNumbersResponse(
                    .with {
                        $0.baseTypeName = type
                        $0.extensionNumber = numbers
                    })
            case .services(let names):
                $0.messageResponse = .listServicesResponse(
                    .with {
                        $0.service = names.map { name in .with { $0.name = name } }
                    })
            case .error(let code, let message):
                $0.messageResponse = .errorResponse(
                    .with {
                        $0.errorCode = code
                        $0.errorMessage = message
                    })
            }
        }
    }
}

/// v1alpha's messages are v1's, field for field, under another package: each request is read as v1's
/// and each answer written back through the wire format, so both versions share one implementation.
private struct V1Alpha: Grpc_Reflection_V1alpha_ServerReflection.ServiceProtocol {
    typealias Request = Grpc_Reflection_V1alpha_ServerReflectionRequest
    typealias Response = Grpc_Reflection_V1alpha_ServerReflectionResponse
    let index: ReflectionIndex

    func serverReflectionInfo(
        requests: RequestStream<Request>, responses: ResponseWriter<Response>, context: ServerContext
    ) async throws {
        try await answerEach(requests, responses, index: index) { request in
            V1.question(Self.asV1(request))
        } response: { request, answer in
            let v1 = V1.response(Self.asV1(request), answer)
            // Both types are generated from the same fields: what one encodes, the other decodes.
            return (try? Response(serializedBytes: v1.serializedBytes())) ?? Response()
        }
    }

    private static func asV1(_ request: Request) -> V1.Request {
        (try? V1.Request(serializedBytes: request.serializedBytes())) ?? V1.Request()
    }
}
