/// Per-call settings.
public struct CallOptions: Sendable {
    /// Time allowed for the whole call, sent as `grpc-timeout`; nil for none. When it passes the
    /// call fails with DEADLINE_EXCEEDED and its stream is reset.
    public var timeout: Duration?
    /// Custom metadata sent with the request headers.
    public var metadata: Metadata
    /// Compression for the messages this call sends (`grpc-encoding`); identity by default.
    public var compression: CompressionAlgorithm
    /// Largest response message accepted (after decompression); nil: the channel's setting.
    public var maxReceiveMessageSize: Int?
    /// Largest request message sent; nil: the channel's setting.
    public var maxSendMessageSize: Int?
    /// Whether the call waits (within its timeout) for a READY connection instead of failing at once
    /// while the channel is in TRANSIENT_FAILURE; nil: the service config's setting, else false.
    public var waitForReady: Bool?
    /// Attempts of this call made before this one (sent as `grpc-previous-rpc-attempts`); set by retries.
    var previousRPCAttempts = 0

    /// Creates options; every parameter has the default of ``defaults``.
    public init(
        timeout: Duration? = nil, metadata: Metadata = Metadata(), compression: CompressionAlgorithm = .identity,
        maxReceiveMessageSize: Int? = nil, maxSendMessageSize: Int? = nil, waitForReady: Bool? = nil
    ) {
        self.waitForReady = waitForReady
        self.timeout = timeout
        self.metadata = metadata
        self.compression = compression
        self.maxReceiveMessageSize = maxReceiveMessageSize
        self.maxSendMessageSize = maxSendMessageSize
    }

    /// No timeout, no metadata, no compression, the channel's limits.
    public static let defaults = CallOptions()
}
