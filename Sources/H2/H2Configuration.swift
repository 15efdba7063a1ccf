/// Settings and limits of one HTTP/2 connection.
public struct H2Configuration: Sendable, Hashable {
    /// SETTINGS_MAX_CONCURRENT_STREAMS we allow the peer to open (server) or advertise (client).
    /// A server refuses each stream beyond it with RST_STREAM REFUSED_STREAM (the connection stays).
    public var maxConcurrentStreams: UInt32 = 256
    /// SETTINGS_INITIAL_WINDOW_SIZE: bytes a peer may send on one stream before we consume them.
    public var initialWindowSize: UInt32 = 1 << 20
    /// The connection-level receive window.
    public var connectionWindowSize: UInt32 = 16 << 20
    /// SETTINGS_MAX_FRAME_SIZE we accept (16 KiB … 16 MiB − 1).
    public var maxFrameSize: UInt32 = 1 << 17
    /// SETTINGS_MAX_HEADER_LIST_SIZE we accept. A larger header block resets its stream
    /// (RST_STREAM INTERNAL_ERROR, the rest of the block decoded without per-field work); a
    /// connection that sends 8 of them gets GOAWAY ENHANCE_YOUR_CALM.
    public var maxHeaderListSize: UInt32 = 16_384
    /// Queued outbound bytes per stream above which the stream reports not writable (its writer
    /// waits: backpressure, not buffering); writable again at half. 64 KiB, grpc-go's write quota:
    /// the connection's socket queue (up to 1 MiB) and the kernel keep the pipe full meanwhile.
    public var streamWriteHighWaterMark: Int = 64 << 10
    /// Queued outbound bytes of all streams of a connection above which none of them is writable;
    /// writable again at half. (Without it a connection's streams could queue up to
    /// `maxConcurrentStreams` × `streamWriteHighWaterMark`.)
    public var connectionWriteHighWaterMark: Int = 8 << 20
    /// Server: queued outbound bytes of all streams of all connections of one `H2Server` above
    /// which a connection that queues more stops its writers, until the server is back under half
    /// or that connection's own queue is empty. Each connection charges the shared count in 64 KiB
    /// steps, so the count is at most 128 KiB per connection above the bytes queued, and every
    /// writable stream may cross the limit by one message. nil: no server-wide limit.
    public var serverWriteHighWaterMark: Int? = 256 << 20
    /// Close a connection (at once, without GOAWAY) whose peer has taken none of our pending
    /// output for this long: a peer that stops reading must not pin its buffers. nil: never.
    public var writeStallTimeout: Duration? = .seconds(30)
    /// After a connection closes, give freed heap memory back to the system (glibc `malloc_trim`,
    /// at most once a second per process). Off by default: glibc keeps freed memory for reuse,
    /// which is faster; turn it on where resident memory after bursts of connections matters.
    public var releaseMemoryAfterClose = false
    /// Most input bytes one connection reads and processes per turn of its event loop; then the
    /// loop serves its other connections and comes back for the rest. Bounds how long a peer that
    /// floods its connection can hold up the others on the same loop.
    public var maxInputPerLoopTurn: Int = 256 << 10
    /// Close a connection that has had no open stream for this long (GOAWAY NO_ERROR first).
    public var idleTimeout: Duration? = .seconds(300)
    /// A request head (or, on a new connection, the client preface) must arrive within this time.
    public var headerReadTimeout: Duration? = .seconds(10)
    /// Send a PING after this much silence from the peer; nil turns keepalive off.
    public var keepAliveInterval: Duration? = nil
    /// Close the connection if a keepalive PING is not acknowledged within this time.
    public var keepAliveTimeout: Duration = .seconds(20)
    /// Server: after about this long (±10 % jitter, so that connections made together do not all
    /// go together) a connection gets GOAWAY; streams in flight finish, new ones go to a new
    /// connection. nil (the default): connections live as long as they are used.
    public var maxConnectionAge: Duration? = nil
    /// Server: how long streams in flight may still run after the `maxConnectionAge` GOAWAY; then
    /// the connection is closed. nil (the default): until they finish.
    public var maxConnectionAgeGrace: Duration? = nil
    /// Server: the shortest interval at which the peer may send PINGs (gRPC's keepalive
    /// enforcement, as grpc-go's server applies it). A PING sooner than this after the previous
    /// one, with no DATA or HEADERS sent by us in between, is a strike; the third strike gets GOAWAY
    /// ENHANCE_YOUR_CALM with debug data `too_many_pings`. While no stream is open the interval is
    /// 2 hours unless `permitPingsWithoutStreams`. 5 minutes like grpc-go; nil: not enforced.
    public var minPeerPingInterval: Duration? = .seconds(300)
    /// Server: let the peer send keepalive PINGs (every `minPeerPingInterval`) while it has no
    /// stream open. Off, like grpc-go.
    public var permitPingsWithoutStreams = false
    /// How long a graceful shutdown waits for streams in flight before closing anyway.
    public var gracefulShutdownTimeout: Duration = .seconds(30)

    /// Frames that cost work but move nothing forward (empty DATA, PRIORITY, WINDOW_UPDATE, PING,
    /// SETTINGS, RST_STREAM, empty CONTINUATION, unknown types) allowed per `unproductiveFrameWindow`,
    /// beyond one for each stream the peer opens and each DATA or HEADERS frame we send. One more
    /// gets GOAWAY ENHANCE_YOUR_CALM.
    public var maxUnproductiveFrames: Int = 1000
    /// The window `maxUnproductiveFrames` counts in.
    public var unproductiveFrameWindow: Duration = .seconds(10)

    /// The defaults documented on each property.
    public init() {}
}
