public import RPCBenchServer
/// One client connection of one protocol, as the load driver uses it. Calls may run concurrently
/// from many tasks; each protocol decides how they share the connection (HTTP/2 streams, or a FIFO of
/// pipelined frames for raw TCP).
public protocol BenchConnection: AnyObject, Sendable {
    /// The executor that tasks driving this connection should prefer (its event loop), so that a
    /// completed call resumes its task without a thread hop. Nil: the global pool.
    var taskExecutor: (any TaskExecutor)? { get }

    /// Sends `payload` as one request and returns the reply's body (the driver checks it is the same bytes).
    func unary(_ payload: [UInt8]) async throws(BenchError) -> [UInt8]

    /// Opens one bidirectional stream on which each message is echoed.
    func openPingPong() async throws(BenchError) -> any PingPongStream

    /// Asks for `count` messages of `messageSize` bytes and calls `onMessage` with each one's size as it
    /// arrives; returns after the last.
    func download(messageSize: Int, count: Int, onMessage: (Int) -> Void) async throws(BenchError)

    /// Closes the connection; calls still in flight fail.
    func close() async
}

/// A ping-pong stream: one message out, its echo back, repeat.
public protocol PingPongStream: AnyObject, Sendable {
    /// Sends `payload` and returns the echoed message's body.
    func exchange(_ payload: [UInt8]) async throws(BenchError) -> [UInt8]
    /// Ends the stream politely.
    func close() async
}

/// Opens connections of one protocol.
public protocol BenchClient: Sendable {
    var kind: BenchProtocolKind { get }
    /// Connects to `target`: `host:port` (numeric IPv4 or IPv6, or `localhost`); gRPC also takes
    /// any gRPC target string (`Target.channelTarget`).
    func connect(to target: Target) async throws(BenchError) -> any BenchConnection
}
