/// The failure of a call: its status code, message and trailing metadata.
///
/// Handlers throw it to end a call with a chosen status; clients receive it when a call fails.
/// Any other error thrown by a handler ends the call with ``StatusCode/unknown`` and a generic
/// message, so that server internals do not leak to clients.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code; never ``StatusCode/ok`` for an error that a call failed with.
    public var code: StatusCode
    /// Human-readable text (`grpc-message`), already percent-decoded.
    public var message: String
    /// Trailing metadata sent with the status.
    public var trailingMetadata: Metadata

    /// Creates an error with a code, message and optional trailing metadata.
    public init(code: StatusCode, message: String, trailingMetadata: Metadata = Metadata()) {
        self.code = code
        self.message = message
        self.trailingMetadata = trailingMetadata
    }

    /// "CODE: message", e.g. "UNIMPLEMENTED: unknown service foo.Bar".
    public var description: String {
        message.isEmpty ? code.description : "\(code): \(message)"
    }
}
