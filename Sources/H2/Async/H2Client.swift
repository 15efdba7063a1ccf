public import EventIO

/// An HTTP/2 client connection (h2c, prior knowledge) for async code.
///
/// ```swift
/// let client = try await H2Client.connect(host: "127.0.0.1", port: 8080, group: group)
/// let response = try await client.request(method: "POST", path: "/echo", body: Array("hi".utf8))
/// ```
public final class H2Client: Sendable {
    /// A complete response.
    public struct Response: Sendable {
        /// The response head.
        public var head: H2Headers
        /// The whole body.
        public var body: [UInt8]
        /// Trailers, if the server sent any.
        public var trailers: H2Headers?
        /// `:status` as a number (0 if missing).
        public var status: Int { head.status ?? 0 }
    }

    /// A stream in progress: write the request body, read the response.
    public struct Call: Sendable {
        /// Writes the request body; `finish()` ends it.
        public let writer: H2StreamWriter
        /// The response body as it arrives.
        public let body: H2Body
        private let bridge: StreamBridge

        init(bridge: StreamBridge) {
            self.bridge = bridge
            writer = bridge.writer
            body = bridge.body
        }

        /// Waits for the response head.
        /// - Throws: `H2Error` if the stream is reset or the connection closes first; `.cancelled`
        ///   when the task is cancelled.
        public func responseHead() async throws(H2Error) -> H2Headers {
            try await bridge.responseHead()
        }
    }

    /// The underlying connection (loop layer).
    public let connection: H2Connection
    private let authority: String
    private let scheme: String
    private let closeState: ClientCloseState

    private init(connection: H2Connection, authority: String, scheme: String = "http", closeState: ClientCloseState) {
        self.connection = connection
        self.authority = authority
        self.scheme = scheme
        self.closeState = closeState
    }

    /// Connects to `address` (TCP or a Unix socket) through `transport` (e.g. TLS, then `scheme`
    /// is `https`), sending `authority` as `:authority`.
    /// - Throws: `H2Error.connectFailed` when the connection is refused or the transport cannot be
    ///   set up; `.cancelled` when the task is cancelled first.
    public static func connect(
        to address: SocketAddress, authority: String, scheme: String = "http", group: EventLoopGroup,
        configuration: H2Configuration = H2Configuration(), socketOptions: SocketOptions = SocketOptions(),
        transport: (@Sendable (TCPConnection) -> (any ByteStream)?)? = nil
    ) async throws(H2Error) -> H2Client {
        let closeState = ClientCloseState()
        let connection = try await H2Connection.connect(
            to: address, on: group.next(), configuration: configuration, socketOptions: socketOptions,
            delegate: closeState, transport: transport)
        return H2Client(connection: connection, authority: authority, scheme: scheme, closeState: closeState)
    }

    /// Connects to `host:port` on one of `group`'s loops.
    /// - Throws: `H2Error.connectFailed` when the address is invalid or the connection is refused;
    ///   `.cancelled` when the task is cancelled first.
    public static func connect(
        host: String, port: Int, group: EventLoopGroup, configuration: H2Configuration = H2Configuration(),
        socketOptions: SocketOptions = SocketOptions()
    ) async throws(H2Error) -> H2Client {
        let address: SocketAddress
        do {
            address = try SocketAddress(host: host, port: port)
        } catch {
            throw .connectFailed(error.description)
        }
        let closeState = ClientCloseState()
        let connection = try await H2Connection.connect(
            to: address, on: group.next(), configuration: configuration, socketOptions: socketOptions,
            delegate: closeState)
        let authority = address.isIPv6 ? "[\(address.host)]:\(port)" : "\(host):\(port)"
        return H2Client(connection: connection, authority: authority, closeState: closeState)
    }

    /// Opens a stream with `method` and `path` (plus `headers`); write the body through the call's writer.
    /// - Throws: `H2Error.connectionNotUsable` after GOAWAY or close; `.cancelled` when the task is
    ///   cancelled first (a stream opened meanwhile is reset).
    public func call(
        method: String, path: String, headers: [(String, String)] = [], endStream: Bool = false
    )
        async throws(H2Error) -> Call
    {
        var head: H2Headers = [(":method", method), (":scheme", scheme), (":path", path), (":authority", authority)]
        for (name, value) in headers { head.append(name, value) }
        let connection = self.connection
        let frozenHead = head
        let promise = Promise<Result<Call, H2Error>>()
        connection.loop.execute {
            do throws(H2Error) {
                let stream = try connection.openStream(frozenHead, endStream: endStream, delegate: Placeholder.shared)
                let bridge = StreamBridge(stream: stream)
                stream.delegate = bridge
                if !promise.complete(.success(Call(bridge: bridge))) { stream.reset(.cancel) }
            } catch {
                promise.complete(.failure(error))
            }
        }
        let result: Result<Call, H2Error>
        do {
            result = try await promise.wait(abandoningOnCancel: true)
        } catch {
            throw .cancelled
        }
        return try result.get()
    }

    /// Sends one request and collects the whole response.
    /// - Throws: `H2Error` when the stream is reset or the connection fails.
    public func request(
        method: String = "GET", path: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    )
        async throws(H2Error) -> Response
    {
        let call = try await call(method: method, path: path, headers: headers, endStream: body == nil)
        guard let body else { return try await Self.collectResponse(of: call) }
        // The response is read while the body is still being written. Written first, a body larger
        // than the flow-control windows and output budgets between us and a server that answers as
        // it reads (an echo) would leave each side waiting for the other to read.
        async let sent = Self.send(body, on: call.writer)
        let response: Result<Response, H2Error>
        do {
            response = .success(try await Self.collectResponse(of: call))
        } catch {
            response = .failure(error)
        }
        // A server may answer in full before it has read the whole body (and then reset the
        // stream): the response counts, not the failed rest of the upload.
        _ = await sent
        return try response.get()
    }

    private static func send(_ body: [UInt8], on writer: H2StreamWriter) async -> Result<Void, H2Error> {
        do throws(H2Error) {
            try await writer.write(body)
            writer.finish()
            return .success(())
        } catch {
            return .failure(error)
        }
    }

    private static func collectResponse(of call: Call) async throws(H2Error) -> Response {
        let head = try await call.responseHead()
        let bytes = try await call.body.collect()
        return Response(head: head, body: bytes, trailers: call.body.trailers)
    }

    /// GOAWAY, let streams in flight finish, and return once the connection is closed (or at once
    /// when the task is cancelled; the connection still closes).
    public func close() async {
        connection.shutdownGracefully()
        await closeState.waitUntilClosed()
    }
}

/// Stands in as a stream's delegate between `openStream` and the bridge taking over (same loop turn).
private final class Placeholder: H2StreamDelegate, @unchecked Sendable {
    static let shared = Placeholder()
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {}
    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {}
    func stream(_ stream: H2Stream, didClose error: H2Error?) {}
}

/// Tells `H2Client.close()` when the connection is gone.
final class ClientCloseState: H2ConnectionDelegate, Sendable {
    private let closed = WaitableState(false)

    func connection(_ connection: H2Connection, didClose error: H2Error?) {
        closed.update { $0 = true }
    }

    /// Returns once the connection closed, or when the task is cancelled.
    func waitUntilClosed() async {
        _ = try? await closed.wait { $0 ? () : nil }
    }
}
