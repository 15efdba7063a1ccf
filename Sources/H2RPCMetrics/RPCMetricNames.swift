/// The metric labels and dimensions both metrics interceptors use.
///
/// Dimensions follow the OpenTelemetry RPC attributes (semconv 1.39): `rpc.method` is
/// `package.Service/Method`, `rpc.status_code` the status code's name (`OK`, `NOT_FOUND`, …).
public enum RPCMetricNames {
    /// Timer: server call duration, from the handler's start to its end (dimensions: method, status).
    public static let serverDuration = "rpc.server.duration"
    /// Timer: client call duration, from the call's start to its status (dimensions: method, status).
    public static let clientDuration = "rpc.client.duration"
    /// Counter: server calls started (dimension: method).
    public static let serverStarted = "rpc.server.calls.started"
    /// Counter: server calls finished (dimensions: method, status).
    public static let serverFinished = "rpc.server.calls.finished"
    /// Counter: client calls started (dimension: method).
    public static let clientStarted = "rpc.client.calls.started"
    /// Counter: client calls finished (dimensions: method, status).
    public static let clientFinished = "rpc.client.calls.finished"
    /// Counter: request messages the server received (dimension: method).
    public static let serverMessagesReceived = "rpc.server.messages.received"
    /// Counter: response messages the server sent (dimension: method).
    public static let serverMessagesSent = "rpc.server.messages.sent"
    /// Counter: request messages the client sent (dimension: method).
    public static let clientMessagesSent = "rpc.client.messages.sent"
    /// Counter: response messages the client received (dimension: method).
    public static let clientMessagesReceived = "rpc.client.messages.received"

    /// The method dimension's key.
    public static let method = "rpc.method"
    /// The status dimension's key.
    public static let statusCode = "rpc.status_code"
}
