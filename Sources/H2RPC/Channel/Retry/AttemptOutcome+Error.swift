extension RPCError {
    /// The error of a call whose stream the server reset with HTTP/2 error `code` (RST_STREAM).
    static func streamReset(_ code: UInt32) -> RPCError {
        RPCError(code: .forResetCode(code), message: "stream reset by the server (HTTP/2 error code \(code))")
    }

    /// True for a stream the server refused (RST_STREAM REFUSED_STREAM, also how a stream above a
    /// GOAWAY's last stream id ends): the server did not process it.
    var isRefusedStream: Bool { code == .unavailable && message == RPCError.streamReset(7).message }
}

extension AttemptOutcome {
    /// The outcome of an attempt that failed with `error`; `committed` when response headers
    /// arrived or the request did not fit the retry buffer. Reads the server's pushback trailer.
    init(failure error: RPCError, committed: Bool) {
        var values: [String] = []
        for case .string(let value) in error.trailingMetadata.values(forKey: RetryPushback.headerName) {
            values.append(value)
        }
        self.init(
            status: error.code, progress: error.isRefusedStream ? .unprocessed : .processed, committed: committed,
            pushback: RetryPushback(values: values))
    }
}
