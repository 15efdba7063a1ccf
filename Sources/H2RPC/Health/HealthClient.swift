/// A typed client of the standard health service `grpc.health.v1.Health`:
///
/// ```swift
/// let health = HealthClient(channel: channel)
/// let status = try await health.check(service: "echo.Echo").status   // .serving
/// let all = try await health.list()                                   // ["": …, "echo.Echo": …]
/// for try await change in try await health.watch(service: "echo.Echo") { print(change.status) }
/// ```
/// A server answers Check of a service it does not know with NOT_FOUND (thrown as ``RPCError``),
/// and Watch of one with SERVICE_UNKNOWN, then the service's status once it is set.
public struct HealthClient: Sendable {
    /// The channel the calls go over.
    public let channel: RPCChannel

    /// A client that calls over `channel`.
    public init(channel: RPCChannel) { self.channel = channel }

    /// `Check`: the current status of `service` ("" for the server as a whole).
    /// - Throws: ``RPCError`` NOT_FOUND for a service the server does not know; UNIMPLEMENTED when
    ///   it serves no health service; any other failure of the call.
    public func check(
        service: String = "", options: CallOptions = .defaults
    ) async throws(RPCError) -> HealthCheckResponse {
        try await channel.unary(
            path: "/grpc.health.v1.Health/Check", request: HealthCheckRequest(service: service),
            as: HealthCheckResponse.self,
            options: options)
    }

    /// `List`: every service the server knows, with its status.
    /// - Throws: ``RPCError`` RESOURCE_EXHAUSTED when the server knows too many to list;
    ///   UNIMPLEMENTED from a server without List (it was added to the protocol in 2024).
    public func list(options: CallOptions = .defaults) async throws(RPCError) -> [String: HealthCheckResponse] {
        try await channel.unary(
            path: "/grpc.health.v1.Health/List", request: HealthListRequest(), as: HealthListResponse.self,
            options: options
        ).statuses
    }

    /// `Watch`: the status of `service` now, then each change, until the call is cancelled or fails.
    /// Iterate the result; cancelling the iterating task (or `cancel()` on the result) ends the call.
    public func watch(
        service: String = "", options: CallOptions = .defaults
    ) async throws(RPCError) -> ServerStreamingCall<HealthCheckResponse> {
        try await channel.serverStreaming(
            path: "/grpc.health.v1.Health/Watch", request: HealthCheckRequest(service: service),
            as: HealthCheckResponse.self,
            options: options)
    }
}
