public import ProtoWire

/// `grpc.health.v1.HealthCheckRequest`: `string service = 1;`.
public struct HealthCheckRequest: ProtoMessage {
    /// The service to check; empty for the server as a whole.
    public var service = ""
    /// Fields this type does not know.
    public var unknownFields = ProtoUnknownFields()

    /// An empty request (the whole server).
    public init() {}
    /// A request for `service`.
    public init(service: String) { self.service = service }

    public func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoString.self, service, field: 1) + ProtoSize.unknown(unknownFields)
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoString.self, service, field: 1)
        writer.writeUnknown(unknownFields)
    }

    public mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            if field.number == 1 { try reader.read(ProtoString.self, field, into: &service) }
        }
    }
}

/// `grpc.health.v1.HealthCheckResponse`: `ServingStatus status = 1;`.
public struct HealthCheckResponse: ProtoMessage {
    /// `grpc.health.v1.HealthCheckResponse.ServingStatus`.
    public enum ServingStatus: Int32, Sendable, Hashable {
        /// Not known.
        case unknown = 0
        /// Serving requests.
        case serving = 1
        /// Not serving requests.
        case notServing = 2
        /// Watch only: the service is not registered.
        case serviceUnknown = 3
    }

    /// The raw enum value (kept when it is not one of ``ServingStatus``).
    public var rawStatus: Int32 = 0
    /// Fields this type does not know.
    public var unknownFields = ProtoUnknownFields()

    /// UNKNOWN.
    public init() {}
    /// A response with `status`.
    public init(status: ServingStatus) { rawStatus = status.rawValue }

    /// The status, or nil for a value this library does not know.
    public var status: ServingStatus? { ServingStatus(rawValue: rawStatus) }

    public func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoInt32.self, rawStatus, field: 1) + ProtoSize.unknown(unknownFields)
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt32.self, rawStatus, field: 1)
        writer.writeUnknown(unknownFields)
    }

    public mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            if field.number == 1 { try reader.read(ProtoInt32.self, field, into: &rawStatus) }
        }
    }
}

/// `grpc.health.v1.HealthListRequest`: no fields.
public struct HealthListRequest: ProtoMessage {
    /// Fields this type does not know.
    public var unknownFields = ProtoUnknownFields()

    /// The request.
    public init() {}

    public func encodedSize() -> Int { ProtoSize.unknown(unknownFields) }

    public func encode(to writer: inout ProtoWriter) { writer.writeUnknown(unknownFields) }

    public mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while try reader.nextField(unknown: &unknownFields) != nil {}
    }
}

/// `grpc.health.v1.HealthListResponse`: `map<string, HealthCheckResponse> statuses = 1;`.
public struct HealthListResponse: ProtoMessage {
    /// Every service the server knows, with its status.
    public var statuses: [String: HealthCheckResponse] = [:]
    /// Fields this type does not know.
    public var unknownFields = ProtoUnknownFields()

    /// An empty list.
    public init() {}
    /// A list of `statuses`.
    public init(statuses: [String: HealthCheckResponse]) { self.statuses = statuses }

    public func encodedSize() -> Int {
        ProtoSize.map(ProtoString.self, ProtoMessageType<HealthCheckResponse>.self, statuses, field: 1)
            + ProtoSize.unknown(unknownFields)
    }

    public func encode(to writer: inout ProtoWriter) {
        writer.writeMap(ProtoString.self, ProtoMessageType<HealthCheckResponse>.self, statuses, field: 1)
        writer.writeUnknown(unknownFields)
    }

    public mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            if field.number == 1 {
                try reader.readMap(ProtoString.self, ProtoMessageType<HealthCheckResponse>.self, field, into: &statuses)
            }
        }
    }
}
