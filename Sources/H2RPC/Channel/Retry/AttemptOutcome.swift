/// How one attempt of a call ended, as the retry logic needs it.
struct AttemptOutcome: Sendable, Hashable {
    /// How far the attempt got.
    enum Progress: Sendable, Hashable {
        /// The stream was never created: the picked connection was closing or draining. Always
        /// retried transparently, without limit (until the deadline).
        case neverSent
        /// The stream reached the server's HTTP/2 layer but not the application: RST_STREAM
        /// REFUSED_STREAM, or a stream id above a GOAWAY's last-stream-id. Retried transparently once.
        case unprocessed
        /// The server may have processed it.
        case processed
    }

    /// The attempt's status (`.ok` for success).
    var status: StatusCode
    /// How far the attempt got.
    var progress: Progress
    /// True when response headers (not Trailers-Only) were received or the request overflowed the
    /// retry buffer: the call is committed to this attempt.
    var committed: Bool
    /// The server's `grpc-retry-pushback-ms`, if it sent one.
    var pushback: RetryPushback?

    init(status: StatusCode, progress: Progress = .processed, committed: Bool = false, pushback: RetryPushback? = nil) {
        self.status = status
        self.progress = progress
        self.committed = committed
        self.pushback = pushback
    }
}
