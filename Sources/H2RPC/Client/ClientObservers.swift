import ProtoWire

/// The observers the interceptors returned for one call, applied where the call's messages pass:
/// requests in interceptor order, responses and the end in reverse (the first interceptor is the
/// outermost). Empty when the channel has no interceptors, which costs one check per message.
struct ClientObservers: Sendable {
    let observers: [any ClientCallObserver]

    static let none = ClientObservers(observers: [])

    var isEmpty: Bool { observers.isEmpty }

    /// Runs `interceptors`' start hooks for `call`, in order. When one throws, those that already
    /// returned an observer hear that the call ended with that error.
    static func start(
        _ interceptors: [any ClientInterceptor], call: ClientCallDescriptor, options: inout CallOptions
    ) async throws(RPCError) -> ClientObservers {
        var observers: [any ClientCallObserver] = []
        for interceptor in interceptors {
            do {
                if let observer = try await interceptor.intercept(call, options: &options) {
                    observers.append(observer)
                }
            } catch {
                ClientObservers(observers: observers).finished(CallEnd(error: error, trailingMetadata: Metadata()))
                throw error
            }
        }
        return ClientObservers(observers: observers)
    }

    /// The end-of-call callback for `ClientCall`, nil without observers.
    var endObserver: (@Sendable (CallEnd) -> Void)? {
        guard !isEmpty else { return nil }
        let observers = self
        return { @Sendable end in observers.finished(end) }
    }

    func finished(_ end: CallEnd) {
        for observer in observers.reversed() {
            observer.finished(status: end.error, trailingMetadata: end.trailingMetadata)
        }
    }

    /// `message` as the observers want it sent.
    func sending<M: ProtoMessage>(_ message: M) async throws(RPCError) -> M {
        var message = message
        for observer in observers { message = try await observer.sending(message) }
        return message
    }

    /// `message` as the observers want the caller to see it.
    func received<M: ProtoMessage>(_ message: M) async throws(RPCError) -> M {
        var message = message
        for observer in observers.reversed() { message = try await observer.received(message) }
        return message
    }

    /// Sends one request of a streaming call through the observers; a throwing observer cancels
    /// the call with its status.
    func send<M: ProtoMessage>(_ message: M, on call: ClientCall, compressed: Bool?) async throws(RPCError) {
        guard !isEmpty else { return try await call.send(message, compressed: compressed, endStream: false) }
        let changed: M
        do {
            changed = try await sending(message)
        } catch {
            call.cancel(status: error)
            throw error
        }
        try await call.send(changed, compressed: compressed, endStream: false)
    }

    /// The next response of a streaming call, through the observers; a throwing observer cancels
    /// the call with its status.
    func receive<M: ProtoMessage>(from call: ClientCall) async throws(RPCError) -> M? {
        guard let message: M = try await call.receive() else { return nil }
        guard !isEmpty else { return message }
        do {
            return try await received(message)
        } catch {
            call.cancel(status: error)
            throw error
        }
    }
}
