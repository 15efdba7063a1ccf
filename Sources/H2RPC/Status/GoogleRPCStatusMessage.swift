import ProtoWire

/// `google.rpc.Status` as it travels in `grpc-status-details-bin`: `int32 code = 1; string message = 2;
/// repeated google.protobuf.Any details = 3;`. The core's own copy, so that H2RPC needs no generated code.
struct GoogleRPCStatusMessage: ProtoMessage {
    var code: Int32 = 0
    var message = ""
    var details: [PackedAny] = []
    var unknownFields = ProtoUnknownFields()

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoInt32.self, code, field: 1)
            + ProtoSize.nonDefault(ProtoString.self, message, field: 2)
            + ProtoSize.repeated(ProtoMessageType<PackedAny>.self, details, field: 3) + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoInt32.self, code, field: 1)
        writer.writeNonDefault(ProtoString.self, message, field: 2)
        writer.writeRepeated(ProtoMessageType<PackedAny>.self, details, field: 3)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoInt32.self, field, into: &code)
            case 2: try reader.read(ProtoString.self, field, into: &message)
            case 3: try reader.readRepeated(ProtoMessageType<PackedAny>.self, field, into: &details)
            default: break
            }
        }
    }
}

/// `google.protobuf.Any`: `string type_url = 1; bytes value = 2;`.
struct PackedAny: ProtoMessage {
    var typeURL = ""
    var value: [UInt8] = []
    var unknownFields = ProtoUnknownFields()

    init() {}
    init(_ detail: RPCError.Detail) {
        typeURL = detail.typeURL
        value = detail.value
    }

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoString.self, typeURL, field: 1)
            + ProtoSize.nonDefault(ProtoBytes.self, value, field: 2)
            + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoString.self, typeURL, field: 1)
        writer.writeNonDefault(ProtoBytes.self, value, field: 2)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoString.self, field, into: &typeURL)
            case 2: try reader.read(ProtoBytes.self, field, into: &value)
            default: break
            }
        }
    }
}
