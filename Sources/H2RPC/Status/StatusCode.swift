/// A gRPC status code (`grpc-status`), as listed in gRPC's `statuscodes.md`.
///
/// A struct rather than an enum so that a code this library does not know still round-trips;
/// `init(wireValue:)` maps codes outside 0…16 to ``unknown`` as the spec asks receivers to.
public struct StatusCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric code as sent in `grpc-status`.
    public let rawValue: Int

    /// Wraps any numeric code.
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// The code for a received `grpc-status` value: codes outside 0…16 become ``unknown``.
    public init(wireValue: Int) { self.rawValue = (0...16).contains(wireValue) ? wireValue : 2 }

    /// Not an error; returned on success.
    public static let ok = StatusCode(rawValue: 0)
    /// The operation was cancelled, typically by the caller.
    public static let cancelled = StatusCode(rawValue: 1)
    /// Unknown error, e.g. a handler threw an error that is not an ``RPCError``.
    public static let unknown = StatusCode(rawValue: 2)
    /// The client specified an invalid argument.
    public static let invalidArgument = StatusCode(rawValue: 3)
    /// The deadline expired before the operation could complete.
    public static let deadlineExceeded = StatusCode(rawValue: 4)
    /// Some requested entity was not found.
    public static let notFound = StatusCode(rawValue: 5)
    /// The entity that a client attempted to create already exists.
    public static let alreadyExists = StatusCode(rawValue: 6)
    /// The caller does not have permission to execute the operation.
    public static let permissionDenied = StatusCode(rawValue: 7)
    /// Some resource has been exhausted (message size, concurrency limit, quota).
    public static let resourceExhausted = StatusCode(rawValue: 8)
    /// The system is not in a state required for the operation.
    public static let failedPrecondition = StatusCode(rawValue: 9)
    /// The operation was aborted, typically due to a concurrency issue.
    public static let aborted = StatusCode(rawValue: 10)
    /// The operation was attempted past the valid range.
    public static let outOfRange = StatusCode(rawValue: 11)
    /// The operation is not implemented or not supported (unknown method, unsupported encoding).
    public static let unimplemented = StatusCode(rawValue: 12)
    /// Internal error: an invariant of the protocol or the system is broken.
    public static let `internal` = StatusCode(rawValue: 13)
    /// The service is currently unavailable; retrying with backoff may succeed.
    public static let unavailable = StatusCode(rawValue: 14)
    /// Unrecoverable data loss or corruption.
    public static let dataLoss = StatusCode(rawValue: 15)
    /// The request does not have valid authentication credentials.
    public static let unauthenticated = StatusCode(rawValue: 16)

    private static let names = [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
        "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED",
        "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED",
    ]

    /// The upper-case name gRPC uses (`DEADLINE_EXCEEDED`), or `CODE(n)` for an unknown code.
    public var description: String {
        Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE(\(rawValue))"
    }

    /// The status a client reports for an HTTP response that carries no `grpc-status` (spec §8).
    public static func forHTTPStatus(_ status: Int) -> StatusCode {
        switch status {
        case 400, 431: return .internal
        case 401: return .unauthenticated
        case 403: return .permissionDenied
        case 404: return .unimplemented
        case 429, 502, 503, 504: return .unavailable
        default: return .unknown
        }
    }

    /// The status a call ends with when its stream is reset with this HTTP/2 error code (spec §9).
    public static func forResetCode(_ code: UInt32) -> StatusCode {
        switch code {
        case 7: return .unavailable  // REFUSED_STREAM: nothing processed, safe to retry
        case 8: return .cancelled  // CANCEL
        case 11: return .resourceExhausted  // ENHANCE_YOUR_CALM
        case 12: return .permissionDenied  // INADEQUATE_SECURITY
        default: return .internal
        }
    }
}
