import Synchronization

/// The standard health service `grpc.health.v1.Health` (Check, List and Watch), ready to register:
///
/// ```swift
/// let health = HealthService()
/// health.setStatus(.serving, for: "echo.Echo")
/// let server = RPCServer(services: [EchoService(), health])
/// ```
/// The empty service name (the server as a whole) starts SERVING. Check of an unknown service
/// fails NOT_FOUND; Watch of one reports SERVICE_UNKNOWN and waits for it to appear. List returns
/// every known service, or RESOURCE_EXHAUSTED above ``listLimit`` of them.
public final class HealthService: RPCService {
    /// `grpc.health.v1.Health`.
    public static let serviceName = "grpc.health.v1.Health"

    private struct State {
        var statuses: [String: HealthCheckResponse.ServingStatus] = ["": .serving]
        var shuttingDown = false
        var watchers: [String: [UInt64: MessageInbox<HealthCheckResponse.ServingStatus>]] = [:]
        var nextWatcher: UInt64 = 0
    }
    private let state = Mutex(State())

    /// The most services List answers with (as grpc-go); more fail it with RESOURCE_EXHAUSTED.
    public static let listLimit = 100

    /// A health service where only the whole server ("") is known, as SERVING.
    public init() {}

    /// Sets the status of `service` ("" for the whole server) and tells its watchers; ignored after
    /// ``enterGracefulShutdown()``.
    public func setStatus(_ status: HealthCheckResponse.ServingStatus, for service: String) {
        let watchers = state.withLock { s -> [MessageInbox<HealthCheckResponse.ServingStatus>] in
            if s.shuttingDown { return [] }
            s.statuses[service] = status
            return Array((s.watchers[service] ?? [:]).values)
        }
        for w in watchers { w.push(status) }
    }

    /// Reports every known service (and the whole server, "") NOT_SERVING from now on, so that load
    /// balancers stop sending calls before the server goes away; later ``setStatus(_:for:)`` and
    /// ``clearStatus(for:)`` calls are ignored. Call it when a graceful shutdown starts.
    public func enterGracefulShutdown() {
        let watchers = state.withLock { s -> [MessageInbox<HealthCheckResponse.ServingStatus>] in
            s.shuttingDown = true
            for name in s.statuses.keys { s.statuses[name] = .notServing }
            return s.watchers.filter { s.statuses[$0.key] != nil }.values.flatMap(\.values)
        }
        for w in watchers { w.push(.notServing) }
    }

    /// Removes `service`: Check answers NOT_FOUND, watchers see SERVICE_UNKNOWN (ignored after
    /// ``enterGracefulShutdown()``).
    public func clearStatus(for service: String) {
        let watchers = state.withLock { s -> [MessageInbox<HealthCheckResponse.ServingStatus>] in
            if s.shuttingDown { return [] }
            s.statuses[service] = nil
            return Array((s.watchers[service] ?? [:]).values)
        }
        for w in watchers { w.push(.serviceUnknown) }
    }

    /// The current status of `service`, nil when unknown.
    public func status(for service: String) -> HealthCheckResponse.ServingStatus? {
        state.withLock { $0.statuses[service] }
    }

    public var methods: [RPCMethod] {
        [
            .unary(path: "/grpc.health.v1.Health/Check", service: self) {
                (s: HealthService, req: HealthCheckRequest, _: ServerContext) -> HealthCheckResponse in
                guard let status = s.status(for: req.service) else {
                    throw RPCError(code: .notFound, message: "unknown service \(req.service)")
                }
                return HealthCheckResponse(status: status)
            },
            .unary(path: "/grpc.health.v1.Health/List", service: self) {
                (s: HealthService, _: HealthListRequest, _: ServerContext) -> HealthListResponse in
                let statuses = s.state.withLock { $0.statuses }
                guard statuses.count <= Self.listLimit else {
                    throw RPCError(
                        code: .resourceExhausted,
                        message: "\(statuses.count) services: more than List returns (\(Self.listLimit))")
                }
                return HealthListResponse(statuses: statuses.mapValues { HealthCheckResponse(status: $0) })
            },
            .serverStreaming(path: "/grpc.health.v1.Health/Watch", service: self) {
                (
                    s: HealthService, req: HealthCheckRequest, out: ResponseWriter<HealthCheckResponse>,
                    _: ServerContext
                ) in
                try await s.watch(req.service, out)
            },
        ]
    }

    private func watch(_ service: String, _ out: ResponseWriter<HealthCheckResponse>) async throws {
        let inbox = MessageInbox<HealthCheckResponse.ServingStatus>()
        let (id, initial) = state.withLock { s -> (UInt64, HealthCheckResponse.ServingStatus) in
            let id = s.nextWatcher
            s.nextWatcher += 1
            s.watchers[service, default: [:]][id] = inbox
            return (id, s.statuses[service] ?? .serviceUnknown)
        }
        defer { _ = state.withLock { $0.watchers[service]?.removeValue(forKey: id) } }
        var last = initial
        try await out.send(HealthCheckResponse(status: initial))
        // Ends when the call does: cancellation finishes the task, whose inbox wait then throws.
        while let next = try await withTaskCancellationHandler(
            operation: { try await inbox.next() },
            onCancel: { inbox.finish(RPCError(code: .cancelled, message: "watch cancelled")) })
        {
            if next != last {
                last = next
                try await out.send(HealthCheckResponse(status: next))
            }
        }
    }
}
