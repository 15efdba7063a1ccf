public import struct Logging.Logger
public import H2TLS
public import H2
package import EventIO

extension RPCServer {
    /// Server-wide settings.
    public struct Configuration: Sendable {
        /// Largest request message accepted, compressed or not; larger ones end the call with
        /// RESOURCE_EXHAUSTED. 4 MiB like other gRPC stacks.
        public var maxReceiveMessageSize: Int = 4 * 1024 * 1024
        /// Largest response message sent; larger ones fail the send with RESOURCE_EXHAUSTED.
        public var maxSendMessageSize: Int = Int(Int32.max)
        /// RPCs in flight across all connections; beyond it new calls end at once with
        /// RESOURCE_EXHAUSTED (load shedding) and the connection stays up. nil: no limit.
        public var maxConcurrentRPCs: Int? = nil
        /// How long ``RPCServer/shutdown(gracePeriod:)`` waits by default for calls in flight.
        public var shutdownGracePeriod: Duration = .seconds(10)
        /// Run handlers on their connection's event loop (no thread hop per message: the fast default).
        /// Set false for CPU-heavy handlers, which then run on the global concurrent executor so
        /// that they do not hold up the other calls of their loop.
        public var handlersOnEventLoop = true
        /// Event-loop threads; nil: one per core.
        public var loopCount: Int? = nil
        /// How long an idle event loop keeps polling for input before it sleeps; nil (the default):
        /// it sleeps at once. Polling trades idle CPU for latency: with one call in flight most of a
        /// round trip on a virtual machine is the sleeping thread's wake-up, which polling skips, but
        /// every loop then burns its core for up to this long after each burst of work. Tens of µs
        /// (e.g. `.microseconds(50)`) cover a loopback round trip.
        public var busyPoll: Duration? = nil
        /// TLS for every connection (certificate, key, optional client-certificate verification;
        /// clients must offer ALPN `h2`); nil (the default): plaintext HTTP/2 (h2c with prior knowledge).
        /// Set this, never rely on a default, to serve a network that is not trusted.
        public var tls: TLSServerConfiguration? = nil
        /// Plain HTTP/2 requests (not `application/grpc`) whose path starts with a route's prefix go to
        /// that route instead of gRPC (e.g. H2RPCProfiling's `/debug/pprof/`); none by default.
        public var httpRoutes: [HTTPRoute] = []
        /// Per-connection HTTP/2 limits and connection policy: concurrent streams (extra ones are
        /// refused with REFUSED_STREAM), header list size, idle and header-read timeouts, maximum
        /// connection age and its grace, server keepalive PINGs and their timeout, the minimum
        /// interval of client PINGs (`too_many_pings`), unproductive-frame budget, input per loop
        /// turn, output budgets per stream and connection and for the whole server
        /// (`serverWriteHighWaterMark`, shared by all connections), write-stall timeout, releasing
        /// freed memory after a close. Its `gracefulShutdownTimeout` is replaced by `shutdownGracePeriod`.
        public var http2 = H2Configuration()
        /// Client connections open at once; each one beyond it is closed as soon as it is accepted,
        /// before any TLS or HTTP/2 work (load shedding), while the open ones carry on. nil (the
        /// default): no limit.
        public var maxConnections: Int? = nil
        /// Where the server logs (connections, handler errors). Quiet (`.notice`) by default.
        public var logger: Logger = {
            var l = Logger(label: "h2rpc.server")
            l.logLevel = .notice
            return l
        }()

        /// The clock of the server's event loops (tests pass a manual one).
        package var loopClock: LoopClock = .system

        /// The defaults.
        public init() {}
    }
}
