// The descriptor model both front ends produce: the hand-written parser (with source positions)
// and protoc's `CodeGeneratorRequest` (positions unknown). The emitter reads only this model, which
// is why both front ends give the same Swift text.

/// `syntax = "proto2"` or `"proto3"`.
enum ProtoSyntax: String, Sendable, Hashable {
    case proto2, proto3
}

/// Comments protoc would record in `SourceCodeInfo` for an element.
struct ProtoComments: Sendable, Hashable {
    var leading = ""
    var trailing = ""
}

/// One `.proto` file.
struct FileDecl: Sendable {
    /// Path relative to its proto path root, e.g. `grpc/testing/test.proto`.
    var name: String
    /// Dotted package; empty when the file has none.
    var package = ""
    var syntax = ProtoSyntax.proto2
    var imports: [ImportDecl] = []
    var messages: [MessageDecl] = []
    var enums: [EnumDecl] = []
    var services: [ServiceDecl] = []
    /// `option swift_prefix`.
    var swiftPrefix: String?
    var deprecated = false
    /// Fields of top-level `extend` blocks, in declaration order (`FieldDecl.extendee` says what they
    /// extend). Checked as protoc checks them; no Swift is generated for them: on the wire they stay
    /// unknown fields of the extended message, byte-exact.
    var extensions: [FieldDecl] = []
    /// `option …;` statements as written, for the embedded descriptor (standalone front end only).
    var options: [ParsedOption] = []
}

struct ImportDecl: Sendable {
    var path: String
    var isPublic = false
    var isWeak = false
    var position = SourcePosition.unknown
}

/// A type name as written in the file, and where; resolved to a full name later.
struct TypeReference: Sendable {
    var name: String
    var scope: String
    var position: SourcePosition
}

struct MessageDecl: Sendable {
    var name: String
    /// Dotted full name without a leading dot, e.g. `pkg.Outer.Inner`.
    var fullName: String
    var fields: [FieldDecl] = []
    var oneofs: [OneofDecl] = []
    var messages: [MessageDecl] = []
    var enums: [EnumDecl] = []
    /// Synthesized `…Entry` type of a `map<K, V>` field.
    var isMapEntry = false
    var deprecated = false
    /// Inclusive ranges.
    var reservedRanges: [ClosedRange<Int>] = []
    var reservedNames: [String] = []
    /// Inclusive ranges.
    var extensionRanges: [ClosedRange<Int>] = []
    /// Fields of `extend` blocks nested in this message.
    var extensions: [FieldDecl] = []
    var options: [ParsedOption] = []
    var comments = ProtoComments()
    var position = SourcePosition.unknown
}

enum FieldLabel: Int, Sendable, Hashable {
    case optional = 1, required = 2, repeated = 3
}

/// Field types, numbered as in `FieldDescriptorProto.Type`.
enum FieldType: Int, Sendable, Hashable {
    case double = 1, float, int64, uint64, int32, fixed64, fixed32, bool, string, group, message, bytes,
        uint32, `enum`, sfixed32, sfixed64, sint32, sint64

    /// The scalar keywords of the language.
    static let scalarKeywords: [String: FieldType] = [
        "double": .double, "float": .float, "int64": .int64, "uint64": .uint64, "int32": .int32,
        "fixed64": .fixed64, "fixed32": .fixed32, "bool": .bool, "string": .string, "bytes": .bytes,
        "uint32": .uint32, "sfixed32": .sfixed32, "sfixed64": .sfixed64, "sint32": .sint32, "sint64": .sint64,
    ]

    /// Scalar numeric types (including bool and enum) can be packed.
    var isPackable: Bool {
        switch self {
        case .string, .bytes, .message, .group: false
        default: true
        }
    }
}

struct FieldDecl: Sendable {
    var name: String
    var number: Int
    var label = FieldLabel.optional
    /// `nil` until a named type is resolved to message or enum.
    var type: FieldType?
    /// Full name with a leading dot for message and enum fields once resolved.
    var typeName = ""
    var oneofIndex: Int?
    var proto3Optional = false
    /// `[packed = …]` when written.
    var packed: Bool?
    var deprecated = false
    /// proto2 `[default = …]`, in descriptor text form.
    var defaultValue: String?
    var jsonName: String?
    /// For an extension: the extended message, as written until resolved to a full name with a leading dot.
    var extendee = ""
    /// `[…]` options as written, except `default` and `json_name` (descriptor fields of their own).
    var options: [ParsedOption] = []
    var comments = ProtoComments()
    var position = SourcePosition.unknown
    var numberPosition = SourcePosition.unknown
    var typePosition = SourcePosition.unknown
    var namePosition = SourcePosition.unknown
    var extendeePosition = SourcePosition.unknown
}

struct OneofDecl: Sendable {
    var name: String
    var options: [ParsedOption] = []
    var comments = ProtoComments()
    var position = SourcePosition.unknown
}

struct EnumDecl: Sendable {
    var name: String
    var fullName: String
    var values: [EnumValueDecl] = []
    var allowAlias = false
    var deprecated = false
    var reservedRanges: [ClosedRange<Int>] = []
    var reservedNames: [String] = []
    var options: [ParsedOption] = []
    var comments = ProtoComments()
    var position = SourcePosition.unknown
}

struct EnumValueDecl: Sendable {
    var name: String
    var number: Int32
    var deprecated = false
    var options: [ParsedOption] = []
    var comments = ProtoComments()
    var position = SourcePosition.unknown
    var numberPosition = SourcePosition.unknown
}

struct ServiceDecl: Sendable {
    var name: String
    var fullName: String
    var methods: [MethodDecl] = []
    var deprecated = false
    var options: [ParsedOption] = []
    var comments = ProtoComments()
    var position = SourcePosition.unknown
}

struct MethodDecl: Sendable {
    var name: String
    /// Full name with a leading dot once resolved.
    var inputType: String
    var outputType: String
    var clientStreaming = false
    var serverStreaming = false
    var deprecated = false
    var options: [ParsedOption] = []
    /// Written with a `{ … }` body (protoc then records options, even empty ones).
    var hasBody = false
    var comments = ProtoComments()
    var position = SourcePosition.unknown
    var inputPosition = SourcePosition.unknown
    var outputPosition = SourcePosition.unknown
}
