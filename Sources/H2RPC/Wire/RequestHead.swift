/// A gRPC request's headers, checked (spec §2).
struct RequestHead: Sendable, Equatable {
    var path: String
    /// `application/grpc` or `application/grpc+…`, echoed in the response.
    var contentType: String
    var timeout: Duration?
    /// How the client compresses its messages (`grpc-encoding`); identity when absent.
    var encoding: CompressionAlgorithm
    /// What the client can decode: its `grpc-accept-encoding` values joined by commas ("" without
    /// one), unparsed: most calls never need them.
    var acceptEncoding: String
    var metadata: Metadata

    /// The algorithm to compress responses with when the handler asks for compression: the
    /// request's own encoding if not identity, else gzip or deflate when the client accepts it.
    var responseCompression: CompressionAlgorithm {
        Self.responseCompression(encoding: encoding, acceptEncoding: acceptEncoding)
    }

    static func responseCompression(encoding: CompressionAlgorithm, acceptEncoding: String) -> CompressionAlgorithm {
        if encoding != .identity { return encoding }
        if acceptEncoding.isEmpty { return .identity }
        let accepted = CompressionAlgorithm.parseAcceptEncoding(acceptEncoding)
        for candidate in [CompressionAlgorithm.gzip, .deflate] where accepted.contains(candidate.name) {
            return candidate
        }
        return .identity
    }
}

/// Why a request is refused before any handler runs.
struct RequestRejection: Error, Sendable, Equatable {
    /// 200 for a gRPC-level refusal (Trailers-Only); 415, 405 or 400 for the pre-gRPC ones.
    var httpStatus: Int
    var status: RPCError
    /// Extra response headers (e.g. `grpc-accept-encoding` after an unsupported encoding).
    var extraHeaders: [HeaderField] = []
}

extension RequestHead {
    /// Checks request headers: method POST (else 405), content-type `application/grpc…` (else 415),
    /// `te: trailers` (else 400), a well-formed `grpc-timeout` (else 400), a supported
    /// `grpc-encoding` (else UNIMPLEMENTED listing what is supported), a `:path` of the form
    /// `/service/method` (else UNIMPLEMENTED).
    static func parse(_ headers: [HeaderField]) -> Result<RequestHead, RequestRejection> {
        var method: String?
        var path: String?
        var contentType: String?
        var te: String?
        var timeoutText: String?
        var encodingName: String?
        var accept = ""
        var metadata = Metadata()
        for h in headers {
            switch KnownHeader(h.name) {
            case .method: method = h.value
            case .path: path = h.value
            case .contentType: contentType = h.value
            case .te: te = h.value
            case .grpcTimeout: timeoutText = h.value
            case .grpcEncoding: encodingName = h.value
            case .grpcAcceptEncoding: accept = accept.isEmpty ? h.value : accept + "," + h.value
            case .custom: metadata.appendReceived(h)
            default: break
            }
        }
        guard let contentType,
            contentType == "application/grpc" || contentType.hasPrefix("application/grpc+")
                || contentType.hasPrefix("application/grpc;")
        else {
            return .failure(
                RequestRejection(
                    httpStatus: 415,
                    status: RPCError(
                        code: .invalidArgument, message: "invalid gRPC request content-type \"\(contentType ?? "")\"")))
        }
        guard method == "POST" else {
            return .failure(
                RequestRejection(
                    httpStatus: 405,
                    status: RPCError(code: .internal, message: "method \"\(method ?? "")\" is not POST")))
        }
        guard te == "trailers" else {
            return .failure(
                RequestRejection(
                    httpStatus: 400, status: RPCError(code: .internal, message: "missing \"te: trailers\" header")))
        }
        var timeout: Duration?
        if let timeoutText {
            guard let t = GRPCTimeout.parse(timeoutText) else {
                return .failure(
                    RequestRejection(
                        httpStatus: 400,
                        status: RPCError(code: .internal, message: "malformed grpc-timeout \"\(timeoutText)\"")))
            }
            timeout = t
        }
        var encoding = CompressionAlgorithm.identity
        if let encodingName {
            guard let e = CompressionAlgorithm(name: encodingName) else {
                return .failure(
                    RequestRejection(
                        httpStatus: 200,
                        status: RPCError(
                            code: .unimplemented,
                            message: "grpc: Decompressor is not installed for grpc-encoding \"\(encodingName)\""),
                        extraHeaders: [HeaderField("grpc-accept-encoding", CompressionAlgorithm.acceptEncodingHeader)]))
            }
            encoding = e
        }
        // Bytes, not Characters: a Character search runs grapheme breaking over the whole path.
        guard let path, path.utf8.first == UInt8(ascii: "/"), path.utf8.dropFirst().contains(UInt8(ascii: "/")) else {
            return .failure(
                RequestRejection(
                    httpStatus: 200,
                    status: RPCError(code: .unimplemented, message: "malformed method name: \"\(path ?? "")\"")))
        }
        return .success(
            RequestHead(
                path: path, contentType: contentType, timeout: timeout, encoding: encoding, acceptEncoding: accept,
                metadata: metadata))
    }

    /// The UNIMPLEMENTED status for a path no registered service serves (grpc-go's wording).
    static func unimplemented(path: String, knownServices: Set<String>) -> RPCError {
        let trimmed = path.dropFirst()
        let slash = trimmed.lastIndex(of: "/") ?? trimmed.endIndex
        let service = String(trimmed[..<slash])
        let method = slash < trimmed.endIndex ? String(trimmed[trimmed.index(after: slash)...]) : ""
        if knownServices.contains(service) {
            return RPCError(code: .unimplemented, message: "unknown method \(method) for service \(service)")
        }
        return RPCError(code: .unimplemented, message: "unknown service \(service)")
    }
}
