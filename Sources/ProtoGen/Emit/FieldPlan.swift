/// How one field is stored and coded in Swift, decided once from the model.
struct FieldPlan {
    enum Kind {
        /// proto3 plain scalar: written unless default.
        case implicit
        /// `optional`, proto2 singular, messages: Swift optional.
        case explicit
        case repeated(packed: Bool)
        case map(key: FieldDecl, value: FieldDecl)
        /// Member of the real oneof at this index.
        case oneofMember(Int)
    }

    let field: FieldDecl
    let kind: Kind
    /// Property (or oneof case) name as written in declarations and expressions (backticks when needed).
    let name: String
    /// Name without backticks, for `hasX` / `clearX()`.
    let bareName: String
    /// ProtoWire marker type (`ProtoInt32`, `ProtoMessageType<Foo>`).
    let marker: String
    /// Swift type of one value.
    let swiftType: String
    /// Stored through a box because the message contains itself through this field.
    let boxed: Bool
    /// proto2 `[default = …]` as a Swift literal: the property then reads the default when unset.
    let defaultValue: String?

    /// What size/encode/decode and presence use: the optional storage for a field with a default.
    var storage: String { defaultValue != nil ? "_" + bareName : name }

    init(_ field: FieldDecl, in message: MessageDecl, syntax: ProtoSyntax, registry: TypeRegistry, boxed: Bool) {
        self.field = field
        self.boxed = boxed
        let bare = SwiftNaming.propertyName(field.name)
        bareName = bare
        name = SwiftNaming.escaped(bare)
        (marker, swiftType) = Self.types(field, registry: registry)
        if let entry = registry.mapEntry(of: field) {
            kind = .map(key: entry.fields[0], value: entry.fields[1])
        } else if field.label == .repeated {
            let packable = field.type?.isPackable ?? false
            kind = .repeated(packed: packable && (field.packed ?? (syntax == .proto3)))
        } else if let index = field.oneofIndex, !field.proto3Optional {
            kind = .oneofMember(index)
        } else if field.proto3Optional || field.type == .message || syntax == .proto2 {
            kind = .explicit
        } else {
            kind = .implicit
        }
        if case .explicit = kind, field.type != .message, !boxed {
            defaultValue = DefaultLiteral.render(field, registry: registry)
        } else {
            defaultValue = nil
        }
    }

    /// Marker and Swift value type of a field's element.
    static func types(_ field: FieldDecl, registry: TypeRegistry) -> (String, String) {
        switch field.type {
        case .double: ("ProtoDouble", "Double")
        case .float: ("ProtoFloat", "Float")
        case .int64: ("ProtoInt64", "Int64")
        case .uint64: ("ProtoUInt64", "UInt64")
        case .int32: ("ProtoInt32", "Int32")
        case .fixed64: ("ProtoFixed64", "UInt64")
        case .fixed32: ("ProtoFixed32", "UInt32")
        case .bool: ("ProtoBool", "Bool")
        case .string: ("ProtoString", "String")
        case .bytes: ("ProtoBytes", "[UInt8]")
        case .uint32: ("ProtoUInt32", "UInt32")
        case .sfixed32: ("ProtoSFixed32", "Int32")
        case .sfixed64: ("ProtoSFixed64", "Int64")
        case .sint32: ("ProtoSInt32", "Int32")
        case .sint64: ("ProtoSInt64", "Int64")
        case .enum:
            {
                let info = registry.enumInfo(field.typeName), n = info?.swiftName ?? "UNKNOWN"
                return (info?.isClosed == true ? "ProtoClosedEnumType<\(n)>" : "ProtoEnumType<\(n)>", n)
            }()
        case .message, .group, nil:
            {
                let n = registry.message(field.typeName)?.swiftName ?? "UNKNOWN"; return ("ProtoMessageType<\(n)>", n)
            }()
        }
    }

    /// The value of an unset implicit-presence field, as a Swift literal.
    static func defaultLiteral(_ field: FieldDecl, registry: TypeRegistry) -> String {
        switch field.type {
        case .bool: return "false"
        case .string: return "\"\""
        case .bytes: return "[]"
        case .enum:
            guard let info = registry.enumInfo(field.typeName) else { return ".init(rawValue: 0)" }
            let cases = EnumEmitter.caseNames(info.decl)
            if let zero = info.decl.values.firstIndex(where: { $0.number == 0 }) { return "." + cases[zero] }
            return ".init(rawValue: 0)"
        default: return "0"
        }
    }
}
