/// Code that runs around every client call: authentication metadata, logging, metrics.
///
/// `prepare` runs before the call starts, in the order given to the channel, and may change its
/// options (add metadata) or refuse it by throwing. `finished` runs once when the call ends.
public protocol ClientInterceptor: Sendable {
    /// Adjusts `options` for the call to `path`, or throws to fail the call before it is sent.
    func prepare(path: String, options: inout CallOptions) throws(RPCError)
    /// The call to `path` ended: `error` is nil for OK; `duration` runs from the start of the call.
    func finished(path: String, error: RPCError?, duration: Duration)
}

extension ClientInterceptor {
    /// Default: no change.
    public func prepare(path: String, options: inout CallOptions) throws(RPCError) {}
    /// Default: nothing.
    public func finished(path: String, error: RPCError?, duration: Duration) {}
}
