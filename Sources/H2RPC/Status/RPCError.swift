/// The failure of a call: its status code, message, rich details and trailing metadata.
///
/// Handlers throw it to end a call with a chosen status; clients receive it when a call fails.
/// Any other error thrown by a handler ends the call with ``StatusCode/unknown`` and a generic
/// message, so that server internals do not leak to clients.
///
/// ``details`` are the `details` of a `google.rpc.Status`: the server sends them, with the code and
/// message, base64-encoded in the `grpc-status-details-bin` trailer; the client reads them back
/// from it. The `H2RPCRichErrors` product packs and unpacks the standard detail messages
/// (`google.rpc.BadRequest`, `ErrorInfo`, …). Details travel in a header, base64-encoded: they
/// count against the peer's header list limit (8–16 KiB in common gRPC stacks), so keep them small.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code; never ``StatusCode/ok`` for an error that a call failed with.
    public var code: StatusCode
    /// Human-readable text (`grpc-message`), already percent-decoded.
    public var message: String
    /// Trailing metadata sent with the status.
    public var trailingMetadata: Metadata
    /// The `google.rpc.Status` details (each a packed message, as `google.protobuf.Any`); empty when
    /// the peer sent none or sent a `grpc-status-details-bin` that does not agree with the status.
    public var details: [Detail]

    /// Creates an error with a code, message, optional trailing metadata and optional details.
    public init(code: StatusCode, message: String, trailingMetadata: Metadata = Metadata(), details: [Detail] = []) {
        self.code = code
        self.message = message
        self.trailingMetadata = trailingMetadata
        self.details = details
    }

    /// "CODE: message", e.g. "UNIMPLEMENTED: unknown service foo.Bar".
    public var description: String {
        message.isEmpty ? code.description : "\(code): \(message)"
    }
}
