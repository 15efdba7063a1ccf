import H2RPC
import Tracing

/// The OpenTelemetry RPC semantic conventions as of semconv 1.39 (the generation that names the
/// system `rpc.system.name`, joins service and method in `rpc.method` and gives the status code
/// by name in `rpc.status_code`).
enum RPCSpanAttributes {
    static let system = "rpc.system.name"
    static let method = "rpc.method"
    static let statusCode = "rpc.status_code"
    static let errorType = "error.type"
    static let serverAddress = "server.address"
    static let serverPort = "server.port"
    static let peerAddress = "network.peer.address"
    static let peerPort = "network.peer.port"

    /// The codes for which a server span is marked as failed; every other code is the client's
    /// doing (NOT_FOUND, INVALID_ARGUMENT, …) and leaves the server span unset.
    static let serverErrorCodes: Set<StatusCode> = [
        .unknown, .deadlineExceeded, .unimplemented, .internal, .unavailable, .dataLoss,
    ]

    /// Sets the status attributes on `span` and, when `isError`, its error status.
    static func record(_ code: StatusCode, message: String?, on span: any Span, isError: Bool) {
        span.attributes[statusCode] = "\(code)"
        guard code != .ok else { return }
        span.attributes[errorType] = "\(code)"
        if isError { span.setStatus(SpanStatus(code: .error, message: message.map { "\(code), \($0)" } ?? "\(code)")) }
    }

    /// Sets `server.address`/`network.peer.*`-style address attributes for `address` under the given keys.
    static func record(_ address: RPCAddress?, on span: any Span, addressKey: String, portKey: String) {
        switch address {
        case .ipv4(let host, let port)?, .ipv6(let host, let port)?:
            span.attributes[addressKey] = host
            span.attributes[portKey] = port
        case .unix(let path)?:
            span.attributes[addressKey] = path
        case nil:
            break
        }
    }
}
