@testable import ProtoGen

/// A text form of the descriptor model without source positions, to compare what our parser makes
/// of a file with what protoc makes of it.
enum ModelDump {
    static func dump(_ file: FileDecl) -> String {
        var out =
            "file \(file.name) package=\(file.package) syntax=\(file.syntax) prefix=\(file.swiftPrefix ?? "-") deprecated=\(file.deprecated)\n"
        for i in file.imports { out += "  import \(i.path) public=\(i.isPublic) weak=\(i.isWeak)\n" }
        for m in file.messages { dump(m, indent: "  ", into: &out) }
        for e in file.enums { dump(e, indent: "  ", into: &out) }
        for f in file.extensions { dump(f, indent: "  ", into: &out) }
        for s in file.services {
            out += "  service \(s.fullName) deprecated=\(s.deprecated) \(comments(s.comments))\n"
            for m in s.methods {
                out +=
                    "    rpc \(m.name)(\(m.clientStreaming ? "stream " : "")\(m.inputType)) -> (\(m.serverStreaming ? "stream " : "")\(m.outputType)) deprecated=\(m.deprecated) \(comments(m.comments))\n"
            }
        }
        return out
    }

    private static func comments(_ c: ProtoComments) -> String {
        "leading=\(String(reflecting: c.leading)) trailing=\(String(reflecting: c.trailing))"
    }

    private static func dump(_ m: MessageDecl, indent: String, into out: inout String) {
        out +=
            "\(indent)message \(m.fullName) mapEntry=\(m.isMapEntry) deprecated=\(m.deprecated) reserved=\(m.reservedRanges) \(m.reservedNames) extensions=\(m.extensionRanges) \(comments(m.comments))\n"
        for f in m.fields { dump(f, indent: indent + "  ", into: &out) }
        for f in m.extensions { dump(f, indent: indent + "  ", into: &out) }
        for o in m.oneofs { out += "\(indent)  oneof \(o.name) \(comments(o.comments))\n" }
        for n in m.messages { dump(n, indent: indent + "  ", into: &out) }
        for e in m.enums { dump(e, indent: indent + "  ", into: &out) }
    }

    private static func dump(_ f: FieldDecl, indent: String, into out: inout String) {
        let kind = f.extendee.isEmpty ? "field" : "extension of \(f.extendee)"
        out +=
            "\(indent)\(kind) \(f.name)=\(f.number) \(f.label) \(f.type.map { "\($0)" } ?? "nil") \(f.typeName) oneof=\(f.oneofIndex.map(String.init) ?? "-") p3opt=\(f.proto3Optional) packed=\(f.packed.map { "\($0)" } ?? "-") deprecated=\(f.deprecated) default=\(f.defaultValue.map { String(reflecting: $0) } ?? "-") \(comments(f.comments))\n"
    }

    private static func dump(_ e: EnumDecl, indent: String, into out: inout String) {
        out +=
            "\(indent)enum \(e.fullName) alias=\(e.allowAlias) deprecated=\(e.deprecated) reserved=\(e.reservedRanges) \(e.reservedNames) \(comments(e.comments))\n"
        for v in e.values {
            out += "\(indent)  \(v.name)=\(v.number) deprecated=\(v.deprecated) \(comments(v.comments))\n"
        }
    }
}
