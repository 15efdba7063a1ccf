/// A gRPC service: the methods a server routes to by `:path`. Generated `ServiceProtocol`s
/// conform through an extension that lists every RPC of the service.
public protocol RPCService: Sendable {
    /// Every method of the service, each with its full path (`/package.Service/Method`).
    var methods: [RPCMethod] { get }
}
