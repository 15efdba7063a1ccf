import EventIO
public import H2TLS
import Synchronization

/// What a handler knows about its call and what it may set for the response: request metadata,
/// deadline, cancellation, response and trailing metadata, response compression.
///
/// The call's own machinery (flow control, the stream) is the internal `ServerCall`, a view on the
/// context whose parts are stored here (one object per call), out of the handler's reach. What the
/// handler and the loop both change (the fields below, the received requests) is one
/// `ServerCallState` behind one lock.
public final class ServerContext: Sendable {
    /// `/package.Service/Method`.
    public let path: String
    /// Custom metadata the client sent (library-owned headers left out).
    public let requestMetadata: Metadata
    /// When the client's `grpc-timeout` runs out, or nil without one. When it passes the call ends
    /// with DEADLINE_EXCEEDED and the handler's task is cancelled.
    public let deadline: ContinuousClock.Instant?
    /// The algorithm the client compressed its messages with (`grpc-encoding`), identity when none.
    public let requestCompression: CompressionAlgorithm

    /// The call's shared state; `ServerCall` reads requests from it.
    let state = WaitableState(ServerCallState())
    /// The call's fixed parts and flow-control gate: read only through `ServerCall`.
    let call: ServerCall.Parts
    let gate = FlowGate()
    /// Flags the loop or the handler set on every message or at the end: no lock for them.
    private let lastRequestCompressed = Atomic<Bool>(false)
    private let cancelled = Atomic<Bool>(false)
    private let peer: ConnectionPeer

    init(
        path: String, requestMetadata: Metadata, deadline: ContinuousClock.Instant?,
        requestCompression: CompressionAlgorithm,
        peer: ConnectionPeer = ConnectionPeer(), call: ServerCall.Parts
    ) {
        self.call = call
        self.path = path
        self.requestMetadata = requestMetadata
        self.deadline = deadline
        self.requestCompression = requestCompression
        self.peer = peer
    }

    /// The client's address: `ipv4:203.0.113.7:50312`, `ipv6:[2001:db8::1]:50312`, or `unix:` for
    /// a client on a Unix-domain socket (whose own end has no name). Nil when unknown.
    public var remoteAddress: RPCAddress? { peer.remoteAddress.map(RPCAddress.init) }

    /// The address the client connected to: the server's listening address and port, or its
    /// socket's path. Nil when unknown.
    public var localAddress: RPCAddress? { peer.localAddress.map(RPCAddress.init) }

    /// The certificate the client presented on a TLS connection (``RPCServer/Configuration/tls``
    /// with client certificates asked for or required): its subject and subjectAltName entries,
    /// for authorization. Nil on plaintext connections and when the client sent none.
    public var peerCertificate: TLSPeerCertificate? { peer.certificate }

    /// Metadata sent in the response headers; set it before the first response is sent.
    public var responseMetadata: Metadata {
        get { state.withLock { $0.responseMetadata } }
        set { state.withLock { $0.responseMetadata = newValue } }
    }

    /// Metadata sent in the trailers with the status (also when the handler throws).
    public var trailingMetadata: Metadata {
        get { state.withLock { $0.trailingMetadata } }
        set { state.withLock { $0.trailingMetadata = newValue } }
    }

    /// Compress responses with an algorithm the client accepts (its request's own encoding first,
    /// then gzip, then deflate). Off by default.
    public var compressResponses: Bool {
        get { state.withLock { $0.compressResponses } }
        set { state.withLock { $0.compressResponses = newValue } }
    }

    /// Whether the request message last handed to the handler arrived compressed (flag 1).
    public var lastRequestWasCompressed: Bool {
        lastRequestCompressed.load(ordering: .acquiring)
    }

    /// True once the client cancelled, the deadline passed, or the connection went away.
    public var isCancelled: Bool { cancelled.load(ordering: .acquiring) }

    func markCancelled() { cancelled.store(true, ordering: .releasing) }
    func noteRequestCompressed(_ compressed: Bool) { lastRequestCompressed.store(compressed, ordering: .releasing) }
}
