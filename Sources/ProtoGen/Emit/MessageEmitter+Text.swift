/// A message's `ProtoTextFormattable` conformance: `writeText(to:)` prints the set fields in
/// field-number order with their `.proto` names, so that `description` is protobuf text format.
extension MessageEmitter {
    func emitText(
        _ plans: [FieldPlan], message: MessageDecl, qualifiedName: String, syntax: ProtoSyntax,
        into p: inout CodePrinter
    ) {
        p.block("extension \(qualifiedName): ProtoTextFormattable {") { p in
            let steps = steps(plans, message: message)
            let header = "\(access)func writeText(to writer: inout ProtoTextWriter) {"
            if steps.isEmpty {
                p.line(header + "}")
                return
            }
            p.block(header) { p in
                for step in steps {
                    switch step {
                    case .field(let plan):
                        emitTextField(plan, syntax: syntax, into: &p)
                    case .oneof(let index, let members, let complete):
                        p.line("switch self.\(oneofProperty(message, index)) {")
                        for plan in members {
                            p.line("case .\(plan.name)(let value)?: " + textCall(plan, value: "value"))
                        }
                        p.line(complete ? "case nil: break" : "default: break")
                        p.line("}")
                    }
                }
            }
        }
    }

    /// The field's name in text format: groups print as their message type's name.
    private func textName(_ plan: FieldPlan) -> String {
        if plan.field.type == .group, let type = registry.message(plan.field.typeName) { return type.decl.name }
        return plan.field.name
    }

    /// The writer call for one value of the field.
    private func textCall(_ plan: FieldPlan, value: String, name: String? = nil, field: FieldDecl? = nil) -> String {
        let field = field ?? plan.field
        let label = "\"\(name ?? textName(plan))\""
        switch field.type {
        case .message, .group: return "writer.write(\(label), message: \(value))"
        case .enum:
            let closed = registry.enumInfo(field.typeName)?.isClosed == true
            return "writer.write(\(label), \(closed ? "closedEnum" : "enum"): \(value))"
        default: return "writer.write(\(label), \(value))"
        }
    }

    private func emitTextField(_ plan: FieldPlan, syntax: ProtoSyntax, into p: inout CodePrinter) {
        switch plan.kind {
        case .implicit:
            p.line("if !\(plan.marker).isDefault(self.\(plan.name)) { \(textCall(plan, value: "self.\(plan.name)")) }")
        case .explicit:
            p.line("if let value = self.\(plan.storage) { \(textCall(plan, value: "value")) }")
        case .repeated:
            p.line("for value in self.\(plan.name) { \(textCall(plan, value: "value")) }")
        case .map(let key, let value):
            p.block("for key in ProtoTextWriter.sortedKeys(self.\(plan.name)) {") { p in
                p.line("writer.beginMessage(\"\(plan.field.name)\")")
                // In a proto3 file the entry's key and value have no presence: python leaves them out at
                // their defaults; a message value is always there.
                let keyCall = textCall(plan, value: "key", name: "key", field: key)
                if syntax == .proto3 {
                    p.line("if !\(FieldPlan.types(key, registry: registry).0).isDefault(key) { \(keyCall) }")
                } else {
                    p.line(keyCall)
                }
                let valueCall = textCall(plan, value: "value", name: "value", field: value)
                p.line("let value = self.\(plan.name)[key]!")
                if syntax == .proto3 && value.type != .message {
                    p.line("if !\(FieldPlan.types(value, registry: registry).0).isDefault(value) { \(valueCall) }")
                } else {
                    p.line(valueCall)
                }
                p.line("writer.endMessage()")
            }
        case .oneofMember:
            break
        }
    }
}
