/// An error a handler may throw to choose the status the client sees. Errors that are neither
/// this nor ``RPCError`` end the call with UNKNOWN and a generic message: their text stays on the server.
public protocol RPCErrorConvertible: Error {
    /// The status (code, message, trailing metadata) to end the call with.
    var rpcError: RPCError { get }
}
