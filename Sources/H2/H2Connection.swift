public import EventIO

/// An HTTP/2 connection (prior knowledge) over any `ByteStream` (a TCP connection, or a TLS or
/// Unix-domain stream), server or client role, driven by nghttp2 on its loop thread. Use `accept`
/// on an accepted stream (server), `connect(over:)` on a connected one, or `connect(to:)` for TCP (client).
public final class H2Connection: @unchecked Sendable {
    /// Which side of the connection this is.
    public enum Role: Sendable { case server, client }

    let session: NGHTTP2Session
    /// The loop that owns the connection.
    public var loop: EventLoop { session.loop }
    /// Server or client.
    public var role: Role { session.role }
    /// The peer's address.
    public var remoteAddress: SocketAddress? { session.transport.remoteAddress }
    /// The local address.
    public var localAddress: SocketAddress? { session.transport.localAddress }
    /// Receives connection-level events. Loop thread only.
    public var delegate: (any H2ConnectionDelegate)? {
        get { session.delegate }
        set { session.delegate = newValue }
    }

    private init(
        role: Role, transport: any ByteStream, configuration: H2Configuration,
        streamHandler: ((H2Stream, H2Headers) -> any H2StreamDelegate)?, serverBudget: ServerOutputBudget? = nil
    ) {
        session = NGHTTP2Session(
            role: role, transport: transport, configuration: configuration, streamHandler: streamHandler,
            serverBudget: serverBudget)
        session.connection = self
    }

    /// Serves HTTP/2 on an accepted, not yet started byte stream (a `TCPConnection` from a
    /// `TCPListener`, or a TLS stream over one). `streamHandler` runs on the loop for each new
    /// request with its head, and returns the delegate for the rest of the stream. Loop thread only.
    @discardableResult
    public static func accept(
        _ transport: any ByteStream, configuration: H2Configuration = H2Configuration(),
        delegate: (any H2ConnectionDelegate)? = nil,
        streamHandler: @escaping (H2Stream, H2Headers) -> any H2StreamDelegate
    ) -> H2Connection {
        accept(
            transport, configuration: configuration, delegate: delegate, serverBudget: nil, streamHandler: streamHandler
        )
    }

    /// `accept`, with the output budget the connections of one server share.
    static func accept(
        _ transport: any ByteStream, configuration: H2Configuration, delegate: (any H2ConnectionDelegate)?,
        serverBudget: ServerOutputBudget?, streamHandler: @escaping (H2Stream, H2Headers) -> any H2StreamDelegate
    ) -> H2Connection {
        let connection = H2Connection(
            role: .server, transport: transport, configuration: configuration, streamHandler: streamHandler,
            serverBudget: serverBudget)
        connection.session.delegate = delegate
        connection.session.start()
        return connection
    }

    /// Starts the client side of HTTP/2 (prior knowledge) on a connected, not yet started byte
    /// stream: the connection preface leaves at once. Loop thread only.
    public static func connect(
        over transport: any ByteStream, configuration: H2Configuration = H2Configuration(),
        delegate: (any H2ConnectionDelegate)? = nil
    ) -> H2Connection {
        transport.loop.preconditionInEventLoop()
        let connection = H2Connection(
            role: .client, transport: transport, configuration: configuration, streamHandler: nil)
        connection.session.delegate = delegate
        connection.session.start()
        return connection
    }

    /// Opens a client connection (h2c with prior knowledge) to `address` (TCP or a Unix socket).
    /// `transport` wraps the connected socket (e.g. in TLS; nil from it fails the connect).
    /// - Throws: `H2Error.connectFailed` when the TCP connection cannot be made; `.cancelled` when
    ///   the task is cancelled first (a connection that completes afterwards is closed at once).
    public static func connect(
        to address: SocketAddress, on loop: EventLoop, configuration: H2Configuration = H2Configuration(),
        socketOptions: SocketOptions = SocketOptions(), delegate: (any H2ConnectionDelegate)? = nil,
        transport: (@Sendable (TCPConnection) -> (any ByteStream)?)? = nil
    ) async throws(H2Error) -> H2Connection {
        let delegate = LoopBound(delegate, on: loop)
        let promise = Promise<Result<H2Connection, H2Error>>()
        // The session starts on the loop as soon as the socket connects, so the connection preface
        // leaves at once, however long the calling task takes to resume.
        TCPConnection.connect(to: address, on: loop, options: socketOptions) { result in
            switch result {
            case .success(let tcp):
                tcp.maxReadPerTurn = configuration.maxInputPerLoopTurn
                let stream: any ByteStream
                if let transport {
                    guard let wrapped = transport(tcp) else {
                        tcp.close()
                        promise.complete(.failure(.connectFailed("\(address): the transport could not be set up")))
                        return
                    }
                    stream = wrapped
                } else {
                    stream = tcp
                }
                let connection = H2Connection.connect(
                    over: stream, configuration: configuration, delegate: delegate.value)
                if !promise.complete(.success(connection)) { connection.close(.cancel) }
            case .failure(let error):
                promise.complete(.failure(.connectFailed(error.description)))
            }
        }
        let result: Result<H2Connection, H2Error>
        do {
            result = try await promise.wait(abandoningOnCancel: true)
        } catch {
            throw .cancelled
        }
        return try result.get()
    }

    /// Opens a client stream: submits `head` (with `:method`, `:scheme`, `:path`, `:authority`
    /// first) and returns the stream. With `endStream` the request has no body. Loop thread only.
    /// - Throws: `H2Error.connectionNotUsable` after GOAWAY or close; `.protocolViolation` if nghttp2 refuses.
    public func openStream(
        _ head: H2Headers, endStream: Bool = false, delegate: any H2StreamDelegate
    )
        throws(H2Error) -> H2Stream
    {
        try session.openStream(head, endStream: endStream, delegate: delegate)
    }

    /// True while new streams may be opened (client) or are accepted (server). Loop thread only.
    public var isUsable: Bool { session.isUsable }

    /// Number of open streams. Loop thread only.
    public var openStreamCount: Int { session.streams.count }

    /// Frames or bytes not yet handed to the kernel (for tests). Loop thread only.
    var hasPendingOutput: Bool { session.hasPendingOutput }

    /// Sends a PING; `completion` runs on the loop with the round-trip time, or nil if the
    /// connection closed first. Loop thread only.
    public func ping(_ completion: @escaping (Duration?) -> Void) {
        session.ping(completion)
    }

    /// Graceful shutdown: GOAWAY (a notice first on servers), finish streams in flight, refuse
    /// new ones, close when none are left or after `H2Configuration.gracefulShutdownTimeout`. Any thread.
    public func shutdownGracefully() {
        guard loop.inEventLoop else {
            loop.execute { self.shutdownGracefully() }
            return
        }
        session.shutdownGracefully(timeout: session.configuration.gracefulShutdownTimeout)
    }

    /// Closes at once: GOAWAY with `code`, then the socket; open streams fail. Any thread.
    public func close(_ code: H2ErrorCode = .noError) {
        guard loop.inEventLoop else {
            loop.execute { self.close(code) }
            return
        }
        session.close(.terminate(code, nil))
    }
}

/// Carries a non-Sendable value to the loop that will use it, unchecked. Only `H2Server`'s
/// connection registry still uses it; new code uses `LoopBound`, which checks.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
