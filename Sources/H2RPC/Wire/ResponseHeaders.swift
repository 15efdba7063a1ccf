/// The header blocks a server sends (spec §5, §6).
enum ResponseHeaders {
    /// Response headers: `:status 200`, content-type, encodings, initial metadata.
    static func head(contentType: String, encoding: CompressionAlgorithm, metadata: Metadata) -> [HeaderField] {
        // The common head is a shared constant: no allocation per call.
        if encoding == .identity, metadata.isEmpty, contentType == "application/grpc" { return plainHead }
        var h = [HeaderField(":status", "200"), HeaderField("content-type", contentType)]
        if encoding != .identity { h.append(HeaderField("grpc-encoding", encoding.name)) }
        h.append(HeaderField("grpc-accept-encoding", CompressionAlgorithm.acceptEncodingHeader))
        metadata.appendHeaders(to: &h)
        return h
    }

    /// `grpc-accept-encoding` is left out of the plain head: it is optional, clients learn it from
    /// compressed responses, and each header costs the client two strings to read.
    private static let plainHead = [HeaderField(":status", "200"), HeaderField("content-type", "application/grpc")]
    private static let okTrailers = [HeaderField("grpc-status", "0")]

    /// Trailers: `grpc-status`, percent-encoded `grpc-message` when not empty, trailing metadata.
    static func trailers(
        status: StatusCode, message: String, metadata: Metadata, details: [RPCError.Detail] = []
    ) -> [HeaderField] {
        if status == .ok, message.isEmpty, metadata.isEmpty { return okTrailers }
        var h = [HeaderField("grpc-status", String(status.rawValue))]
        if !message.isEmpty { h.append(HeaderField("grpc-message", PercentEncoding.encode(message))) }
        if let d = ResponseStatus.detailsHeader(code: status, message: message, details: details) { h.append(d) }
        metadata.appendHeaders(to: &h)
        return h
    }

    /// Trailers-Only: one block with `:status`, content-type, the status and metadata.
    static func trailersOnly(
        httpStatus: Int = 200, contentType: String, status: StatusCode, message: String, metadata: Metadata,
        details: [RPCError.Detail] = [], extra: [HeaderField] = []
    ) -> [HeaderField] {
        var h = [HeaderField(":status", String(httpStatus)), HeaderField("content-type", contentType)]
        h += extra
        h += trailers(status: status, message: message, metadata: metadata, details: details)
        return h
    }
}
