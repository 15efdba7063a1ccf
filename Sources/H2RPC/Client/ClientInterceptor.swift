public import ProtoWire

/// Code that runs around every client call: authentication, logging, tracing, metrics.
///
/// ``intercept(_:options:)`` runs before the call starts, in the order given to the channel. It
/// may suspend (to fetch a token), change the call's options (metadata, timeout) or refuse the
/// call by throwing, and returns what observes the rest of the call: each request and response
/// message (which it may change) and the final status.
///
/// The synchronous ``prepare(path:options:)`` and ``finished(path:error:duration:)`` are the
/// simple case: an interceptor that implements only them works as before (the default
/// `intercept` calls `prepare`, and `finished` when the call ends).
public protocol ClientInterceptor: Sendable {
    /// Runs before `call` starts: may change `options`, or throw to fail the call before anything
    /// is sent. Returns the observer of the rest of this call, or nil.
    func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> (any ClientCallObserver)?
    /// Adjusts `options` for the call to `path`, or throws to fail the call before it is sent.
    func prepare(path: String, options: inout CallOptions) throws(RPCError)
    /// The call to `path` ended: `error` is nil for OK; `duration` runs from the start of the call.
    func finished(path: String, error: RPCError?, duration: Duration)
}

extension ClientInterceptor {
    /// Default: ``prepare(path:options:)``, then ``finished(path:error:duration:)`` when the call ends.
    public func intercept(
        _ call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> (any ClientCallObserver)? {
        try prepare(path: call.path, options: &options)
        return FinishedCallback(interceptor: self, path: call.path, started: .now)
    }
    /// Default: no change.
    public func prepare(path: String, options: inout CallOptions) throws(RPCError) {}
    /// Default: nothing.
    public func finished(path: String, error: RPCError?, duration: Duration) {}
}

/// What a client interceptor learns of one call it intercepts.
public struct ClientCallDescriptor: Sendable, Hashable {
    /// `/package.Service/Method`.
    public let path: String
    /// Unary, client, server or bidirectional streaming.
    public let kind: RPCMethod.Kind

    /// A descriptor (interceptors are usually handed one; tests make their own).
    public init(path: String, kind: RPCMethod.Kind) {
        self.path = path
        self.kind = kind
    }

    /// `package.Service/Method`: the path without its leading slash (OpenTelemetry's `rpc.method`).
    public var fullMethodName: String { path.hasPrefix("/") ? String(path.dropFirst()) : path }
    /// `package.Service`.
    public var serviceName: String { String(fullMethodName.prefix { $0 != "/" }) }
    /// `Method`.
    public var methodName: String {
        let full = fullMethodName
        guard let slash = full.lastIndex(of: "/") else { return full }
        return String(full[full.index(after: slash)...])
    }
}

/// Observes one client call after its interceptor let it start. Every method has a default that
/// changes nothing.
public protocol ClientCallObserver: Sendable {
    /// A request message about to be sent, in the sending task; returns it as it should go out.
    /// Throwing fails the call with that status (its stream is reset).
    func sending<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message
    /// A response message as received, before the caller gets it, in the receiving task; returns
    /// it as the caller should see it. Throwing fails the call with that status. The one response
    /// of a unary call gets here before ``finished(status:trailingMetadata:)``, which then hears a
    /// throw's status; that of a client-streaming call gets here after the call ended (`finished`
    /// has run): throwing then fails the caller's wait, not the call on the wire.
    func received<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message
    /// The call ended: `status` is nil for OK; `trailingMetadata` came with the status (empty when
    /// the call ended locally: deadline, cancellation, connection loss). Runs exactly once, before
    /// any task waiting on the call resumes, on whatever thread ended it: do not block here.
    func finished(status: RPCError?, trailingMetadata: Metadata)
}

extension ClientCallObserver {
    /// Default: sends the message unchanged.
    public func sending<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message { message }
    /// Default: passes the message on unchanged.
    public func received<Message: ProtoMessage>(_ message: Message) async throws(RPCError) -> Message { message }
    /// Default: nothing.
    public func finished(status: RPCError?, trailingMetadata: Metadata) {}
}

/// The synchronous interceptors' end of call: ``ClientInterceptor/finished(path:error:duration:)``.
private struct FinishedCallback<Interceptor: ClientInterceptor>: ClientCallObserver {
    let interceptor: Interceptor
    let path: String
    let started: ContinuousClock.Instant

    func finished(status: RPCError?, trailingMetadata: Metadata) {
        interceptor.finished(path: path, error: status, duration: .now - started)
    }
}
