/// Emits a message as a Swift struct (stored properties, `with`, `hasX`/`clearX()` for explicit
/// presence, oneof enums, nested types), then its `ProtoMessage` conformance in an extension after
/// it: size/encode/decode bodies that call ProtoWire's generic field helpers, one line per field.
struct MessageEmitter {
    let registry: TypeRegistry
    let access: String
    /// Message full name → numbers of fields stored boxed (the message contains itself through them).
    let boxedFields: [String: Set<Int>]

    /// The struct of a top-level message (its nested types inside it), then the codec extensions of
    /// it and of each nested message, outermost first.
    func emit(_ message: MessageDecl, swiftName: String, syntax: ProtoSyntax, into p: inout CodePrinter) {
        emitStruct(message, swiftName: swiftName, syntax: syntax, into: &p)
        emitCodecExtensions(message, qualifiedName: swiftName, syntax: syntax, into: &p)
    }

    private func plans(_ message: MessageDecl, syntax: ProtoSyntax) -> [FieldPlan] {
        let boxed = boxedFields[message.fullName] ?? []
        return message.fields.map {
            FieldPlan($0, in: message, syntax: syntax, registry: registry, boxed: boxed.contains($0.number))
        }
    }

    private func emitCodecExtensions(
        _ message: MessageDecl, qualifiedName: String, syntax: ProtoSyntax, into p: inout CodePrinter
    ) {
        let plans = plans(message, syntax: syntax)
        let oneofs = realOneofs(message)
        p.line()
        p.block("extension \(qualifiedName): ProtoMessage {") { p in
            emitSize(plans, message: message, oneofs: oneofs, into: &p)
            p.line()
            emitEncode(plans, message: message, oneofs: oneofs, into: &p)
            p.line()
            emitDecode(plans, message: message, oneofs: oneofs, into: &p)
        }
        p.line()
        emitText(plans, message: message, qualifiedName: qualifiedName, syntax: syntax, into: &p)
        p.line()
        emitJSON(plans, message: message, qualifiedName: qualifiedName, syntax: syntax, into: &p)
        for nested in message.messages where !nested.isMapEntry {
            emitCodecExtensions(
                nested, qualifiedName: qualifiedName + "." + SwiftNaming.typeName(nested.name), syntax: syntax, into: &p
            )
        }
    }

    private func emitStruct(_ message: MessageDecl, swiftName: String, syntax: ProtoSyntax, into p: inout CodePrinter) {
        let plans = plans(message, syntax: syntax)
        let oneofs = realOneofs(message)

        p.docComment(message.comments)
        if message.deprecated { p.line(CodePrinter.deprecatedNote) }
        p.block("\(access)struct \(swiftName): Sendable, Hashable {") { p in
            emitProperties(plans, message: message, oneofs: oneofs, into: &p)
            p.line("\(access)var unknownFields = ProtoUnknownFields()")
            for plan in plans where plan.boxed {
                if case .oneofMember = plan.kind { continue }
                p.line("private var _\(plan.bareName): _ProtoBox<\(plan.swiftType)>?")
            }
            for plan in plans where plan.defaultValue != nil {
                p.line("private var \(plan.storage): \(plan.swiftType)?")
            }
            p.line()
            p.line("\(access)init() {}")
            emitPresence(plans, into: &p)
            p.line()
            p.line("/// A message built by `populate`.")
            p.block("\(access)static func with(_ populate: (inout Self) throws -> Void) rethrows -> Self {") { p in
                p.line("var message = Self()")
                p.line("try populate(&message)")
                p.line("return message")
            }
            for index in oneofs {
                p.line()
                emitOneofEnum(index, message: message, plans: plans, into: &p)
            }
            for decl in message.enums {
                p.line()
                EnumEmitter(access: access).emit(
                    decl, swiftName: SwiftNaming.typeName(decl.name, suffix: "Enum"), closed: syntax == .proto2,
                    into: &p)
            }
            for nested in message.messages where !nested.isMapEntry {
                p.line()
                emitStruct(nested, swiftName: SwiftNaming.typeName(nested.name), syntax: syntax, into: &p)
            }
        }
    }

    /// Indexes of oneofs that are real (not the synthetic ones of proto3 `optional`).
    func realOneofs(_ message: MessageDecl) -> [Int] {
        message.oneofs.indices.filter { index in
            message.fields.contains { $0.oneofIndex == index && !$0.proto3Optional }
        }
    }

    func oneofProperty(_ message: MessageDecl, _ index: Int) -> String {
        SwiftNaming.escaped(SwiftNaming.propertyName(message.oneofs[index].name))
    }

    func oneofTypeName(_ message: MessageDecl, _ index: Int) -> String { oneofType(message, index) }

    private func oneofType(_ message: MessageDecl, _ index: Int) -> String {
        "OneOf_" + SwiftNaming.upperCamel(message.oneofs[index].name)
    }

    // MARK: properties

    private func emitProperties(_ plans: [FieldPlan], message: MessageDecl, oneofs: [Int], into p: inout CodePrinter) {
        var emittedOneofs: Set<Int> = []
        for plan in plans {
            if plan.field.deprecated {}
            switch plan.kind {
            case .oneofMember(let index):
                guard emittedOneofs.insert(index).inserted else { continue }
                p.docComment(message.oneofs[index].comments)
                p.line("\(access)var \(oneofProperty(message, index)): \(oneofType(message, index))?")
                continue
            default:
                break
            }
            p.docComment(plan.field.comments)
            if plan.field.deprecated { p.line(CodePrinter.deprecatedNote) }
            switch plan.kind {
            case .implicit:
                p.line(
                    "\(access)var \(plan.name): \(plan.swiftType) = \(FieldPlan.defaultLiteral(plan.field, registry: registry))"
                )
            case .explicit where plan.boxed:
                p.block("\(access)var \(plan.name): \(plan.swiftType)? {") { p in
                    p.line("get { _\(plan.bareName)?.value }")
                    p.line("set { _\(plan.bareName) = newValue.map { _ProtoBox($0) } }")
                }
            case .explicit:
                if let value = plan.defaultValue {
                    p.line("/// Reads `\(value)` (the .proto default) when unset.")
                    p.block("\(access)var \(plan.name): \(plan.swiftType) {") { p in
                        p.line("get { self.\(plan.storage) ?? \(value) }")
                        p.line("set { self.\(plan.storage) = newValue }")
                    }
                } else {
                    p.line("\(access)var \(plan.name): \(plan.swiftType)?")
                }
            case .repeated:
                p.line("\(access)var \(plan.name): [\(plan.swiftType)] = []")
            case .map(let key, let value):
                let k = FieldPlan.types(key, registry: registry).1
                let v = FieldPlan.types(value, registry: registry).1
                p.line("\(access)var \(plan.name): [\(k): \(v)] = [:]")
            case .oneofMember:
                break
            }
        }
    }

    private func emitPresence(_ plans: [FieldPlan], into p: inout CodePrinter) {
        for plan in plans {
            guard case .explicit = plan.kind else { continue }
            let upper = plan.bareName.prefix(1).uppercased() + plan.bareName.dropFirst()
            p.line()
            p.line("/// Whether `\(plan.bareName)` is set.")
            p.line("\(access)var has\(upper): Bool { self.\(plan.storage) != nil }")
            p.line("/// Unsets `\(plan.bareName)`.")
            p.line("\(access)mutating func clear\(upper)() { self.\(plan.storage) = nil }")
        }
    }

    // MARK: coding

    /// Fields in number order, with runs of one oneof's members grouped (they share one `switch`).
    enum Step {
        case field(FieldPlan)
        case oneof(Int, [FieldPlan], complete: Bool)
    }

    func steps(_ plans: [FieldPlan], message: MessageDecl) -> [Step] {
        var steps: [Step] = []
        for plan in plans.sorted(by: { $0.field.number < $1.field.number }) {
            if case .oneofMember(let index) = plan.kind {
                if case .oneof(let last, var members, _)? = steps.last, last == index {
                    members.append(plan)
                    steps[steps.count - 1] = .oneof(index, members, complete: false)
                } else {
                    steps.append(.oneof(index, [plan], complete: false))
                }
            } else {
                steps.append(.field(plan))
            }
        }
        return steps.map { step in
            guard case .oneof(let index, let members, _) = step else { return step }
            let total = plans.filter { if case .oneofMember(let i) = $0.kind { i == index } else { false } }.count
            return .oneof(index, members, complete: members.count == total)
        }
    }

    private func sizeCall(_ plan: FieldPlan) -> String {
        if let call = GroupCalls.size(plan) { return call }
        let n = plan.field.number
        switch plan.kind {
        case .implicit: return "ProtoSize.nonDefault(\(plan.marker).self, self.\(plan.name), field: \(n))"
        case .explicit: return "ProtoSize.ifPresent(\(plan.marker).self, self.\(plan.storage), field: \(n))"
        case .repeated(let packed):
            return packed
                ? "ProtoSize.packed(\(plan.marker).self, self.\(plan.name), field: \(n))"
                : "ProtoSize.repeated(\(plan.marker).self, self.\(plan.name), field: \(n))"
        case .map(let key, let value):
            return
                "ProtoSize.map(\(FieldPlan.types(key, registry: registry).0).self, \(FieldPlan.types(value, registry: registry).0).self, self.\(plan.name), field: \(n))"
        case .oneofMember: return "ProtoSize.field(\(plan.marker).self, value, field: \(n))"
        }
    }

    private func writeCall(_ plan: FieldPlan) -> String {
        if let call = GroupCalls.write(plan) { return call }
        let n = plan.field.number
        switch plan.kind {
        case .implicit: return "writer.writeNonDefault(\(plan.marker).self, self.\(plan.name), field: \(n))"
        case .explicit: return "writer.writeIfPresent(\(plan.marker).self, self.\(plan.storage), field: \(n))"
        case .repeated(let packed):
            return packed
                ? "writer.writePacked(\(plan.marker).self, self.\(plan.name), field: \(n))"
                : "writer.writeRepeated(\(plan.marker).self, self.\(plan.name), field: \(n))"
        case .map(let key, let value):
            return
                "writer.writeMap(\(FieldPlan.types(key, registry: registry).0).self, \(FieldPlan.types(value, registry: registry).0).self, self.\(plan.name), field: \(n))"
        case .oneofMember: return "writer.write(\(plan.marker).self, value, field: \(n))"
        }
    }

    private func emitOneofSwitch(
        _ index: Int, _ members: [FieldPlan], complete: Bool, message: MessageDecl,
        into p: inout CodePrinter, _ call: (FieldPlan) -> String
    ) {
        p.line("switch self.\(oneofProperty(message, index)) {")
        for plan in members {
            p.line("case .\(plan.name)(let value)?: \(call(plan))")
        }
        p.line(complete ? "case nil: break" : "default: break")
        p.line("}")
    }

    private func emitSize(_ plans: [FieldPlan], message: MessageDecl, oneofs: [Int], into p: inout CodePrinter) {
        let steps = steps(plans, message: message)
        p.block("\(access)func encodedSize() -> Int {") { p in
            if steps.isEmpty {
                p.line("ProtoSize.unknown(self.unknownFields)")
                return
            }
            p.line("var size = ProtoSize.unknown(self.unknownFields)")
            for step in steps {
                switch step {
                case .field(let plan): p.line("size += " + sizeCall(plan))
                case .oneof(let index, let members, let complete):
                    emitOneofSwitch(index, members, complete: complete, message: message, into: &p) {
                        "size += " + sizeCall($0)
                    }
                }
            }
            p.line("return size")
        }
    }

    private func emitEncode(_ plans: [FieldPlan], message: MessageDecl, oneofs: [Int], into p: inout CodePrinter) {
        p.block("\(access)func encode(to writer: inout ProtoWriter) {") { p in
            for step in steps(plans, message: message) {
                switch step {
                case .field(let plan): p.line(writeCall(plan))
                case .oneof(let index, let members, let complete):
                    emitOneofSwitch(index, members, complete: complete, message: message, into: &p, writeCall)
                }
            }
            p.line("writer.writeUnknown(self.unknownFields)")
        }
    }

    private func emitDecode(_ plans: [FieldPlan], message: MessageDecl, oneofs: [Int], into p: inout CodePrinter) {
        p.block("\(access)mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {") { p in
            if plans.isEmpty {
                p.line("while try reader.nextField(unknown: &self.unknownFields) != nil {}")
                return
            }
            p.block("while let field = try reader.nextField(unknown: &self.unknownFields) {") { p in
                p.line("switch field.number {")
                for plan in plans.sorted(by: { $0.field.number < $1.field.number }) {
                    p.line("case \(plan.field.number): " + readCall(plan, message: message))
                }
                p.line("default: break")
                p.line("}")
            }
        }
    }

    private func readCall(_ plan: FieldPlan, message: MessageDecl) -> String {
        let oneof = plan.field.oneofIndex.map { (oneofProperty(message, $0), oneofType(message, $0)) }
        if let call = GroupCalls.read(plan, oneof: oneof)
            ?? ClosedEnumCalls.read(plan, oneof: oneof, registry: registry)
        {
            return call
        }
        switch plan.kind {
        case .implicit:
            return "try reader.read(\(plan.marker).self, field, into: &self.\(plan.name))"
        case .explicit:
            return "try reader.read(\(plan.marker).self, field, into: &self.\(plan.storage))"
        case .repeated:
            return "try reader.readRepeated(\(plan.marker).self, field, into: &self.\(plan.name))"
        case .map(let key, let value):
            return
                "try reader.readMap(\(FieldPlan.types(key, registry: registry).0).self, \(FieldPlan.types(value, registry: registry).0).self, field, into: &self.\(plan.name))"
        case .oneofMember(let index):
            let property = oneofProperty(message, index)
            let type = oneofType(message, index)
            if plan.field.type == .message {
                return
                    "try reader.read(\(plan.marker).self, field, into: &self.\(property), as: \(type).\(plan.name), current: { if case .\(plan.name)(let value) = $0 { value } else { nil } })"
            }
            return "try reader.read(\(plan.marker).self, field, into: &self.\(property), as: \(type).\(plan.name))"
        }
    }

    private func emitOneofEnum(_ index: Int, message: MessageDecl, plans: [FieldPlan], into p: inout CodePrinter) {
        let members = plans.filter { if case .oneofMember(let i) = $0.kind { i == index } else { false } }
        let indirect = members.contains { $0.boxed } ? "indirect " : ""
        p.line("/// The members of oneof `\(message.oneofs[index].name)`.")
        p.block("\(access)\(indirect)enum \(oneofType(message, index)): Sendable, Hashable {") { p in
            for plan in members {
                p.docComment(plan.field.comments)
                if plan.field.deprecated { p.line(CodePrinter.deprecatedNote) }
                p.line("case \(plan.name)(\(plan.swiftType))")
            }
        }
    }
}
