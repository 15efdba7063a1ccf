import ProtoWire

/// Reads how a response ended from a received header block (client side, spec §6, §8), and
/// writes the `grpc-status-details-bin` trailer of a failed call (server side).
enum ResponseStatus {
    /// The trailer that carries an error's details: `google.rpc.Status` with the error's code,
    /// message and details, base64-encoded (unpadded, as all `-bin` values); nil without details.
    static func detailsHeader(code: StatusCode, message: String, details: [RPCError.Detail]) -> HeaderField? {
        guard !details.isEmpty, code != .ok else { return nil }
        var status = GoogleRPCStatusMessage()
        status.code = Int32(truncatingIfNeeded: code.rawValue)
        status.message = message
        status.details = details.map(PackedAny.init)
        return HeaderField(statusDetailsName, Base64.encode(status.serializedBytes()))
    }

    static let statusDetailsName = "grpc-status-details-bin"

    /// The details of a received `grpc-status-details-bin` value. Empty when the value is not
    /// base64 of a `google.rpc.Status`, or when that status's code is not `code` (the trailers'
    /// `grpc-status` wins: a status that disagrees with it is not trusted).
    static func details(fromHeaderValue text: String, code: StatusCode) -> [RPCError.Detail] {
        guard let bytes = Base64.decode(text[...].drop { $0 == " " }),
            let status = try? GoogleRPCStatusMessage(serializedBytes: bytes),
            StatusCode(wireValue: Int(status.code)) == code
        else { return [] }
        return status.details.map { RPCError.Detail(typeURL: $0.typeURL, value: $0.value) }
    }

    /// The call's end from trailers, or from a Trailers-Only block (`httpStatus` given).
    /// `grpc-status` wins when present; without it the HTTP status is mapped.
    static func parse(_ headers: [HeaderField]) -> CallEnd {
        var statusText: String?
        var message = ""
        var httpStatus: Int?
        var metadata = Metadata()
        var detailsText: String?
        for h in headers {
            switch KnownHeader(h.name) {
            case .grpcStatus: statusText = h.value
            case .grpcMessage: message = PercentEncoding.decode(h.value)
            case .status: httpStatus = Int(h.value)
            case .custom: metadata.appendReceived(h)
            case .otherReserved where detailsText == nil && h.name == statusDetailsName: detailsText = h.value
            default: break
            }
        }
        guard let statusText else {
            let code = httpStatus.map { StatusCode.forHTTPStatus($0) } ?? .unknown
            let text = httpStatus.map { "HTTP status \($0) without grpc-status" } ?? "trailers without grpc-status"
            return CallEnd(
                error: RPCError(code: code, message: text, trailingMetadata: metadata), trailingMetadata: metadata)
        }
        guard let value = Int(statusText) else {
            return CallEnd(
                error: RPCError(
                    code: .unknown, message: "malformed grpc-status \"\(statusText)\"", trailingMetadata: metadata),
                trailingMetadata: metadata)
        }
        let code = StatusCode(wireValue: value)
        if code == .ok { return CallEnd(error: nil, trailingMetadata: metadata) }
        let details = detailsText.map { Self.details(fromHeaderValue: $0, code: code) } ?? []
        return CallEnd(
            error: RPCError(code: code, message: message, trailingMetadata: metadata, details: details),
            trailingMetadata: metadata)
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
                    RPCError(
                        code: .internal, message: "response compressed with unsupported encoding \"\(encodingName)\""))
            }
            encoding = e
        }
        return .success(ResponseHead(metadata: metadata, encoding: encoding))
    }
}
