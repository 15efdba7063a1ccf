/// Reads how a response ended from a received header block (client side, spec §6, §8).
enum ResponseStatus {
    /// The call's end from trailers, or from a Trailers-Only block (`httpStatus` given).
    /// `grpc-status` wins when present; without it the HTTP status is mapped.
    static func parse(_ headers: [HeaderField]) -> CallEnd {
        var statusText: String?
        var message = ""
        var httpStatus: Int?
        var metadata = Metadata()
        for h in headers {
            switch KnownHeader(h.name) {
            case .grpcStatus: statusText = h.value
            case .grpcMessage: message = PercentEncoding.decode(h.value)
            case .status: httpStatus = Int(h.value)
            case .custom: metadata.appendReceived(h)
            default: break
            }
        }
        guard let statusText else {
            let code = httpStatus.map { StatusCode.forHTTPStatus($0) } ?? .unknown
            let text = httpStatus.map { "HTTP status \($0) without grpc-status" } ?? "trailers without grpc-status"
            return CallEnd(error: RPCError(code: code, message: text, trailingMetadata: metadata), trailingMetadata: metadata)
        }
        guard let value = Int(statusText) else {
            return CallEnd(
                error: RPCError(code: .unknown, message: "malformed grpc-status \"\(statusText)\"", trailingMetadata: metadata),
                trailingMetadata: metadata)
        }
        let code = StatusCode(wireValue: value)
        if code == .ok { return CallEnd(error: nil, trailingMetadata: metadata) }
        return CallEnd(error: RPCError(code: code, message: message, trailingMetadata: metadata), trailingMetadata: metadata)
    }

    /// The response head from the first header block that does not end the stream, or the error
    /// when it is not a gRPC response (non-200, wrong content-type, unknown encoding).
    static func parseHead(_ headers: [HeaderField]) -> Result<ResponseHead, RPCError> {
        var httpStatus: Int?
        var contentType: String?
        var encodingName: String?
        var metadata = Metadata()
        for h in headers {
            switch KnownHeader(h.name) {
            case .status: httpStatus = Int(h.value)
            case .contentType: contentType = h.value
            case .grpcEncoding: encodingName = h.value
            case .custom: metadata.appendReceived(h)
            default: break
            }
        }
        guard let httpStatus else { return .failure(RPCError(code: .internal, message: "response without :status")) }
        guard httpStatus == 200 else {
            return .failure(RPCError(code: .forHTTPStatus(httpStatus), message: "unexpected HTTP status \(httpStatus)"))
        }
        guard let contentType, contentType.hasPrefix("application/grpc") else {
            return .failure(
                RPCError(code: .unknown, message: "unexpected content-type \"\(contentType ?? "")\""))
        }
        var encoding = CompressionAlgorithm.identity
        if let encodingName {
            guard let e = CompressionAlgorithm(name: encodingName) else {
                return .failure(
                    RPCError(code: .internal, message: "response compressed with unsupported encoding \"\(encodingName)\""))
            }
            encoding = e
        }
        return .success(ResponseHead(metadata: metadata, encoding: encoding))
    }
}
