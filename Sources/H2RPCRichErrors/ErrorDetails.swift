public import H2RPC
public import ProtoWire
import ProtoWellKnownTypes

/// One detail of a rich error, decoded: a message of google/rpc/error_details.proto, or any other
/// packed message as is.
///
/// ```swift
/// var violation = Google_Rpc_BadRequest.FieldViolation()
/// violation.field = "name"
/// violation.description_p = "must not be empty"
/// var request = Google_Rpc_BadRequest()
/// request.fieldViolations = [violation]
/// throw RPCError(code: .invalidArgument, message: "bad name", details: [.badRequest(request)])
///
/// // client side
/// } catch let error as RPCError {
///     for case .badRequest(let request) in try error.errorDetails() { … }
/// }
/// ```
public enum ErrorDetails: Sendable, Hashable {
    /// `google.rpc.ErrorInfo`: reason, domain, metadata.
    case errorInfo(Google_Rpc_ErrorInfo)
    /// `google.rpc.RetryInfo`: how long to wait before retrying.
    case retryInfo(Google_Rpc_RetryInfo)
    /// `google.rpc.DebugInfo`: stack entries and detail (not for untrusted clients).
    case debugInfo(Google_Rpc_DebugInfo)
    /// `google.rpc.QuotaFailure`: quota violations.
    case quotaFailure(Google_Rpc_QuotaFailure)
    /// `google.rpc.PreconditionFailure`: precondition violations.
    case preconditionFailure(Google_Rpc_PreconditionFailure)
    /// `google.rpc.BadRequest`: field violations.
    case badRequest(Google_Rpc_BadRequest)
    /// `google.rpc.RequestInfo`: request id and serving data.
    case requestInfo(Google_Rpc_RequestInfo)
    /// `google.rpc.ResourceInfo`: the resource being accessed.
    case resourceInfo(Google_Rpc_ResourceInfo)
    /// `google.rpc.Help`: links.
    case help(Google_Rpc_Help)
    /// `google.rpc.LocalizedMessage`: a message for the user, in a locale.
    case localizedMessage(Google_Rpc_LocalizedMessage)
    /// Any other message, still packed.
    case other(RPCError.Detail)

    /// Decodes a detail: a standard type by its type URL, anything else as ``other(_:)``.
    /// - Throws: `ProtoDecodeError` when a standard type's bytes are not a valid message of it.
    public init(unpacking detail: RPCError.Detail) throws(ProtoDecodeError) {
        switch detail.typeName {
        case Google_Rpc_ErrorInfo.typeName: self = .errorInfo(try Google_Rpc_ErrorInfo(serializedBytes: detail.value))
        case Google_Rpc_RetryInfo.typeName: self = .retryInfo(try Google_Rpc_RetryInfo(serializedBytes: detail.value))
        case Google_Rpc_DebugInfo.typeName: self = .debugInfo(try Google_Rpc_DebugInfo(serializedBytes: detail.value))
        case Google_Rpc_QuotaFailure.typeName:
            self = .quotaFailure(try Google_Rpc_QuotaFailure(serializedBytes: detail.value))
        case Google_Rpc_PreconditionFailure.typeName:
            self = .preconditionFailure(try Google_Rpc_PreconditionFailure(serializedBytes: detail.value))
        case Google_Rpc_BadRequest.typeName:
            self = .badRequest(try Google_Rpc_BadRequest(serializedBytes: detail.value))
        case Google_Rpc_RequestInfo.typeName:
            self = .requestInfo(try Google_Rpc_RequestInfo(serializedBytes: detail.value))
        case Google_Rpc_ResourceInfo.typeName:
            self = .resourceInfo(try Google_Rpc_ResourceInfo(serializedBytes: detail.value))
        case Google_Rpc_Help.typeName: self = .help(try Google_Rpc_Help(serializedBytes: detail.value))
        case Google_Rpc_LocalizedMessage.typeName:
            self = .localizedMessage(try Google_Rpc_LocalizedMessage(serializedBytes: detail.value))
        default: self = .other(detail)
        }
    }

    /// The detail packed for sending.
    public var packed: RPCError.Detail {
        switch self {
        case .errorInfo(let m): return RPCError.Detail(m)
        case .retryInfo(let m): return RPCError.Detail(m)
        case .debugInfo(let m): return RPCError.Detail(m)
        case .quotaFailure(let m): return RPCError.Detail(m)
        case .preconditionFailure(let m): return RPCError.Detail(m)
        case .badRequest(let m): return RPCError.Detail(m)
        case .requestInfo(let m): return RPCError.Detail(m)
        case .resourceInfo(let m): return RPCError.Detail(m)
        case .help(let m): return RPCError.Detail(m)
        case .localizedMessage(let m): return RPCError.Detail(m)
        case .other(let detail): return detail
        }
    }
}

extension RPCError {
    /// An error with rich details, sent to the client in `grpc-status-details-bin` as a
    /// `google.rpc.Status` whose code and message are this error's.
    public init(code: StatusCode, message: String, details: [ErrorDetails], trailingMetadata: Metadata = Metadata()) {
        self.init(code: code, message: message, trailingMetadata: trailingMetadata, details: details.map(\.packed))
    }

    /// The error a `google.rpc.Status` describes (its code, message and details).
    public init(googleRPCStatus status: Google_Rpc_Status, trailingMetadata: Metadata = Metadata()) {
        self.init(
            code: StatusCode(wireValue: Int(status.code)), message: status.message, trailingMetadata: trailingMetadata,
            details: status.details.map(RPCError.Detail.init))
    }

    /// This error as a `google.rpc.Status`: code, message and details.
    public var googleRPCStatus: Google_Rpc_Status {
        var status = Google_Rpc_Status()
        status.code = Int32(truncatingIfNeeded: code.rawValue)
        status.message = message
        status.details = details.map(Google_Protobuf_AnyMessage.init)
        return status
    }

    /// The details, decoded (standard types as their own cases, others as ``ErrorDetails/other(_:)``).
    /// - Throws: `ProtoDecodeError` when a standard type's bytes are not a valid message of it.
    public func errorDetails() throws(ProtoDecodeError) -> [ErrorDetails] {
        var result: [ErrorDetails] = []
        result.reserveCapacity(details.count)
        for detail in details { result.append(try ErrorDetails(unpacking: detail)) }
        return result
    }

    /// The first detail that holds an `M`, decoded; nil when none does.
    /// - Throws: `ProtoDecodeError` when its bytes are not a valid `M`.
    public func firstDetail<M: StandardErrorDetail>(_ type: M.Type) throws(ProtoDecodeError) -> M? {
        for detail in details {
            if let message = try detail.unpack(M.self) { return message }
        }
        return nil
    }
}
