public import H2RPC
public import ProtoWire
public import ProtoWellKnownTypes

/// A message of google/rpc/error_details.proto: knows its full name, so it packs into and
/// unpacks from an ``RPCError/Detail`` without spelling the type URL.
public protocol StandardErrorDetail: ProtoMessage {
    /// The full message name, e.g. `google.rpc.BadRequest`.
    static var typeName: String { get }
}

extension Google_Rpc_ErrorInfo: StandardErrorDetail { public static var typeName: String { "google.rpc.ErrorInfo" } }
extension Google_Rpc_RetryInfo: StandardErrorDetail { public static var typeName: String { "google.rpc.RetryInfo" } }
extension Google_Rpc_DebugInfo: StandardErrorDetail { public static var typeName: String { "google.rpc.DebugInfo" } }
extension Google_Rpc_QuotaFailure: StandardErrorDetail {
    public static var typeName: String { "google.rpc.QuotaFailure" }
}
extension Google_Rpc_PreconditionFailure: StandardErrorDetail {
    public static var typeName: String { "google.rpc.PreconditionFailure" }
}
extension Google_Rpc_BadRequest: StandardErrorDetail { public static var typeName: String { "google.rpc.BadRequest" } }
extension Google_Rpc_RequestInfo: StandardErrorDetail {
    public static var typeName: String { "google.rpc.RequestInfo" }
}
extension Google_Rpc_ResourceInfo: StandardErrorDetail {
    public static var typeName: String { "google.rpc.ResourceInfo" }
}
extension Google_Rpc_Help: StandardErrorDetail { public static var typeName: String { "google.rpc.Help" } }
extension Google_Rpc_LocalizedMessage: StandardErrorDetail {
    public static var typeName: String { "google.rpc.LocalizedMessage" }
}

extension RPCError.Detail {
    /// `message` packed under `type.googleapis.com/<its full name>`.
    public init<M: StandardErrorDetail>(_ message: M) {
        self.init(packing: message, typeName: M.typeName)
    }

    /// The message when this detail holds an `M`; nil when it holds another type.
    /// - Throws: `ProtoDecodeError` when the bytes are not a valid `M`.
    public func unpack<M: StandardErrorDetail>(_ type: M.Type) throws(ProtoDecodeError) -> M? {
        try unpack(M.self, typeName: M.typeName)
    }

    /// The detail a `google.protobuf.Any` holds.
    public init(_ any: Google_Protobuf_AnyMessage) {
        self.init(typeURL: any.typeURL, value: any.value)
    }
}

extension Google_Protobuf_AnyMessage {
    /// The `google.protobuf.Any` of an error detail.
    public init(_ detail: RPCError.Detail) {
        self.init()
        typeURL = detail.typeURL
        value = detail.value
    }
}
