import ProtoWire

/// A hand-written message for tests: `message Echo { string text = 1; int32 number = 2; }`.
struct EchoMessage: ProtoMessage {
    var text = ""
    var number: Int32 = 0
    var unknownFields = ProtoUnknownFields()

    init() {}
    init(text: String, number: Int32 = 0) {
        self.text = text
        self.number = number
    }

    func encodedSize() -> Int {
        ProtoSize.nonDefault(ProtoString.self, text, field: 1) + ProtoSize.nonDefault(ProtoInt32.self, number, field: 2)
            + ProtoSize.unknown(unknownFields)
    }

    func encode(to writer: inout ProtoWriter) {
        writer.writeNonDefault(ProtoString.self, text, field: 1)
        writer.writeNonDefault(ProtoInt32.self, number, field: 2)
        writer.writeUnknown(unknownFields)
    }

    mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
        while let field = try reader.nextField(unknown: &unknownFields) {
            switch field.number {
            case 1: try reader.read(ProtoString.self, field, into: &text)
            case 2: try reader.read(ProtoInt32.self, field, into: &number)
            default: break
            }
        }
    }
}
