/// Emits a service as a namespace enum holding its server protocol (one async method per RPC, each
/// given a `ServerContext`), the `methods` table H2RPC serves from, and a typed client.
struct ServiceEmitter {
    let registry: TypeRegistry
    let access: String
    let package: String
    /// The file's `<File>_ProtoFile` namespace when descriptors are embedded.
    var fileNamespace: String?

    func emit(_ service: ServiceDecl, swiftName: String, into p: inout CodePrinter) {
        let serviceName = package.isEmpty ? service.name : package + "." + service.name
        p.docComment(service.comments)
        if service.deprecated { p.line(CodePrinter.deprecatedNote) }
        p.block("\(access)enum \(swiftName) {") { p in
            p.line("/// The service's full name, as in method paths.")
            p.line("\(access)static let serviceName = \"\(serviceName)\"")
            if let fileNamespace {
                p.line()
                p.line("/// The descriptor of the `.proto` file that declares the service (for server reflection).")
                p.line("\(access)static var fileDescriptor: ProtoFileDescriptor { \(fileNamespace).descriptor }")
            }
            p.line()
            p.line("/// Method paths (`/\(serviceName)/Method`).")
            p.block("\(access)enum Method {") { p in
                for method in service.methods {
                    p.line(
                        "\(access)static let \(SwiftNaming.escaped(methodName(method))) = \"/\(serviceName)/\(method.name)\""
                    )
                }
            }
            p.line()
            p.line("/// What a server implements: one method per RPC.")
            p.block("\(access)protocol ServiceProtocol: RPCService {") { p in
                for method in service.methods {
                    p.docComment(method.comments)
                    if method.deprecated { p.line(CodePrinter.deprecatedNote) }
                    p.line(serverSignature(method))
                }
            }
            p.line()
            p.line("/// A typed client: one method per RPC.")
            p.block("\(access)struct Client: Sendable {") { p in
                p.line("/// The channel calls go through.")
                p.line("\(access)let channel: RPCChannel")
                p.line()
                p.line("/// A client calling through `channel`.")
                p.block("\(access)init(channel: RPCChannel) {") { p in
                    p.line("self.channel = channel")
                }
                for method in service.methods {
                    p.line()
                    emitClientMethod(method, into: &p)
                }
            }
        }
        p.line()
        p.block("extension \(swiftName).ServiceProtocol {") { p in
            p.line("/// The RPCs of `\(serviceName)`, routed to this implementation's methods.")
            p.block("\(access)var methods: [RPCMethod] {") { p in
                p.line("[")
                p.indent()
                for method in service.methods { emitMethodEntry(method, swiftName: swiftName, into: &p) }
                p.outdent()
                p.line("]")
            }
        }
    }

    private func methodName(_ method: MethodDecl) -> String {
        SwiftNaming.lowerCamel(method.name)
    }

    private func typeName(_ name: String) -> String {
        registry.message(name)?.swiftName ?? "UNKNOWN"
    }

    private func serverSignature(_ method: MethodDecl) -> String {
        let name = SwiftNaming.escaped(methodName(method))
        let input = typeName(method.inputType), output = typeName(method.outputType)
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false):
            return "func \(name)(request: \(input), context: ServerContext) async throws -> \(output)"
        case (true, false):
            return "func \(name)(requests: RequestStream<\(input)>, context: ServerContext) async throws -> \(output)"
        case (false, true):
            return
                "func \(name)(request: \(input), responses: ResponseWriter<\(output)>, context: ServerContext) async throws"
        case (true, true):
            return
                "func \(name)(requests: RequestStream<\(input)>, responses: ResponseWriter<\(output)>, context: ServerContext) async throws"
        }
    }

    private func emitMethodEntry(_ method: MethodDecl, swiftName: String, into p: inout CodePrinter) {
        let name = SwiftNaming.escaped(methodName(method))
        let path = "\(swiftName).Method.\(name)"
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false):
            p.block(".unary(path: \(path), service: self) { service, request, context in", footer: "},") { p in
                p.line("try await service.\(name)(request: request, context: context)")
            }
        case (true, false):
            p.block(".clientStreaming(path: \(path), service: self) { service, requests, context in", footer: "},") {
                p in
                p.line("try await service.\(name)(requests: requests, context: context)")
            }
        case (false, true):
            p.block(
                ".serverStreaming(path: \(path), service: self) { service, request, responses, context in", footer: "},"
            ) { p in
                p.line("try await service.\(name)(request: request, responses: responses, context: context)")
            }
        case (true, true):
            p.block(
                ".bidiStreaming(path: \(path), service: self) { service, requests, responses, context in", footer: "},"
            ) { p in
                p.line("try await service.\(name)(requests: requests, responses: responses, context: context)")
            }
        }
    }

    private func emitClientMethod(_ method: MethodDecl, into p: inout CodePrinter) {
        let name = SwiftNaming.escaped(methodName(method))
        let input = typeName(method.inputType), output = typeName(method.outputType)
        let path = "Method.\(name)"
        let sendsMetadata =
            "/// Like the method above, with `metadata` sent in the request headers (after the options' own)"
        p.docComment(method.comments)
        switch (method.clientStreaming, method.serverStreaming) {
        case (false, false):
            p.block(
                "\(access)func \(name)(_ request: \(input), options: CallOptions = .defaults) async throws(RPCError) -> \(output) {"
            ) { p in
                p.line("try await channel.unary(path: \(path), request: request, as: \(output).self, options: options)")
            }
            p.line()
            p.line("\(sendsMetadata);")
            p.line("/// returns the response with the metadata of its headers and trailers.")
            p.block(
                "\(access)func \(name)(_ request: \(input), metadata: Metadata, options: CallOptions = .defaults) async throws(RPCError) -> RPCResponse<\(output)> {"
            ) { p in
                p.line(
                    "try await channel.unaryWithMetadata(path: \(path), request: request, as: \(output).self, options: options.adding(metadata))"
                )
            }
        case (true, false):
            p.block(
                "\(access)func \(name)(options: CallOptions = .defaults) async throws(RPCError) -> ClientStreamingCall<\(input), \(output)> {"
            ) { p in
                p.line("try await channel.clientStreaming(path: \(path), as: \(output).self, options: options)")
            }
            p.line()
            p.line("\(sendsMetadata);")
            p.line("/// `finishWithMetadata()` returns the response with its headers' and trailers' metadata.")
            p.block(
                "\(access)func \(name)(metadata: Metadata, options: CallOptions = .defaults) async throws(RPCError) -> ClientStreamingCall<\(input), \(output)> {"
            ) { p in
                p.line(
                    "try await channel.clientStreaming(path: \(path), as: \(output).self, options: options.adding(metadata))"
                )
            }
        case (false, true):
            p.block(
                "\(access)func \(name)(_ request: \(input), options: CallOptions = .defaults) async throws(RPCError) -> ServerStreamingCall<\(output)> {"
            ) { p in
                p.line(
                    "try await channel.serverStreaming(path: \(path), request: request, as: \(output).self, options: options)"
                )
            }
            p.line()
            p.line("\(sendsMetadata);")
            p.line("/// the call's `initialMetadata()` and `trailingMetadata()` return what came back.")
            p.block(
                "\(access)func \(name)(_ request: \(input), metadata: Metadata, options: CallOptions = .defaults) async throws(RPCError) -> ServerStreamingCall<\(output)> {"
            ) { p in
                p.line(
                    "try await channel.serverStreaming(path: \(path), request: request, as: \(output).self, options: options.adding(metadata))"
                )
            }
        case (true, true):
            p.block(
                "\(access)func \(name)(options: CallOptions = .defaults) async throws(RPCError) -> BidiStreamingCall<\(input), \(output)> {"
            ) { p in
                p.line("try await channel.bidiStreaming(path: \(path), as: \(output).self, options: options)")
            }
            p.line()
            p.line("\(sendsMetadata);")
            p.line("/// the call's `initialMetadata()` and `trailingMetadata()` return what came back.")
            p.block(
                "\(access)func \(name)(metadata: Metadata, options: CallOptions = .defaults) async throws(RPCError) -> BidiStreamingCall<\(input), \(output)> {"
            ) { p in
                p.line(
                    "try await channel.bidiStreaming(path: \(path), as: \(output).self, options: options.adding(metadata))"
                )
            }
        }
    }
}
