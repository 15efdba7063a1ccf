/// A message's `ProtoJSONCodable` conformance (protobuf's proto3 JSON mapping): `writeJSON(to:)`
/// writes each set field under its JSON name (or `.proto` name, by option), `mergeJSON` reads
/// members named either way.
extension MessageEmitter {
    func emitJSON(
        _ plans: [FieldPlan], message: MessageDecl, qualifiedName: String, syntax: ProtoSyntax,
        into p: inout CodePrinter
    ) {
        p.block("extension \(qualifiedName): ProtoJSONCodable {") { p in
            p.line("\(access)static var protoMessageName: String { \"\(message.fullName)\" }")
            p.line()
            let steps = steps(plans, message: message)
            let header = "\(access)func writeJSON(to writer: inout ProtoJSONWriter) {"
            if steps.isEmpty {
                p.line(header + "}")
            } else {
                p.block(header) { p in
                    for step in steps {
                        switch step {
                        case .field(let plan):
                            emitJSONWrite(plan, into: &p)
                        case .oneof(let index, let members, let complete):
                            p.line("switch self.\(oneofProperty(message, index)) {")
                            for plan in members {
                                p.line(
                                    "case .\(plan.name)(let value)?: "
                                        + jsonWrite(plan, value: "value", label: singleLabel(plan)))
                            }
                            p.line(complete ? "case nil: break" : "default: break")
                            p.line("}")
                        }
                    }
                }
            }
            p.line()
            p.block(
                "\(access)mutating func mergeJSON(_ object: JSONObject, reader: ProtoJSONReader) throws(ProtoJSONError) {"
            ) { p in
                p.block(plans.isEmpty ? "for (key, _) in object {" : "for (key, value) in object {") { p in
                    p.line("switch key {")
                    for plan in plans.sorted(by: { $0.field.number < $1.field.number }) {
                        let json = jsonName(plan.field), proto = plan.field.name
                        let names = json == proto ? "\"\(json)\"" : "\"\(json)\", \"\(proto)\""
                        p.line("case \(names): " + jsonRead(plan, message: message))
                    }
                    p.line("default: try reader.unknown(key)")
                    p.line("}")
                }
            }
        }
    }

    private func jsonName(_ field: FieldDecl) -> String {
        field.jsonName ?? DescriptorBuilder.jsonName(field.name)
    }

    /// The argument label for one value of the field's type.
    private func singleLabel(_ plan: FieldPlan) -> String {
        switch plan.field.type {
        case .message, .group: return "message: "
        case .enum: return registry.enumInfo(plan.field.typeName)?.isClosed == true ? "closedEnum: " : "enum: "
        default: return ""
        }
    }

    private func jsonWrite(_ plan: FieldPlan, value: String, label: String) -> String {
        "writer.write(\"\(jsonName(plan.field))\", \"\(plan.field.name)\", \(label)\(value))"
    }

    private func emitJSONWrite(_ plan: FieldPlan, into p: inout CodePrinter) {
        switch plan.kind {
        case .implicit:
            p.line(
                "if writer.emitsDefaults || !\(plan.marker).isDefault(self.\(plan.name)) { \(jsonWrite(plan, value: "self.\(plan.name)", label: singleLabel(plan))) }"
            )
        case .explicit:
            p.line(
                "if let value = self.\(plan.storage) { \(jsonWrite(plan, value: "value", label: singleLabel(plan))) }")
        case .repeated:
            let label: String
            switch plan.field.type {
            case .message, .group: label = "repeatedMessage: "
            case .enum:
                label =
                    registry.enumInfo(plan.field.typeName)?.isClosed == true ? "repeatedClosedEnum: " : "repeatedEnum: "
            default: label = "repeated: "
            }
            p.line(jsonWrite(plan, value: "self.\(plan.name)", label: label))
        case .map(_, let value):
            let label: String
            switch value.type {
            case .message, .group: label = "messageMap: "
            case .enum: label = registry.enumInfo(value.typeName)?.isClosed == true ? "closedEnumMap: " : "enumMap: "
            default: label = "map: "
            }
            p.line(jsonWrite(plan, value: "self.\(plan.name)", label: label))
        case .oneofMember:
            break
        }
    }

    private func jsonRead(_ plan: FieldPlan, message: MessageDecl) -> String {
        let nested = "reader.member(key)"
        switch plan.kind {
        case .implicit, .repeated, .map:
            return "try \(nested).read(value, into: &self.\(plan.name))"
        case .explicit:
            return "try \(nested).read(value, into: &self.\(plan.storage))"
        case .oneofMember(let index):
            return
                "try \(nested).read(value, into: &self.\(oneofProperty(message, index)), as: \(oneofTypeName(message, index)).\(plan.name))"
        }
    }
}
