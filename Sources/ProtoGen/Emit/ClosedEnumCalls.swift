/// The decode line for a field of closed (proto2) enum type, including map values of one: ProtoWire's
/// closed-enum readers, which keep a number the enum does not declare in unknown fields instead of
/// storing it. nil for any other field. (Size and encode lines are the generic ones, with the
/// `ProtoClosedEnumType<E>` marker.)
enum ClosedEnumCalls {
    static func read(_ plan: FieldPlan, oneof: (property: String, type: String)?, registry: TypeRegistry) -> String? {
        if case .map(let key, let value) = plan.kind {
            guard isClosed(value, registry) else { return nil }
            let k = FieldPlan.types(key, registry: registry).0
            return
                "try reader.readMap(\(k).self, closedEnum: \(plan.swiftTypeOfMapValue(registry)).self, field, into: &self.\(plan.name))"
        }
        guard isClosed(plan.field, registry) else { return nil }
        switch plan.kind {
        case .repeated:
            return "try reader.readRepeatedClosedEnum(field, into: &self.\(plan.name), unknown: &self.unknownFields)"
        case .oneofMember:
            guard let oneof else { return nil }
            return "try reader.readClosedEnum(field, into: &self.\(oneof.property), as: \(oneof.type).\(plan.name))"
        default: return "try reader.readClosedEnum(field, into: &self.\(plan.storage))"
        }
    }

    private static func isClosed(_ field: FieldDecl, _ registry: TypeRegistry) -> Bool {
        field.type == .enum && registry.enumInfo(field.typeName)?.isClosed == true
    }
}

extension FieldPlan {
    /// Swift type of a map field's values.
    fileprivate func swiftTypeOfMapValue(_ registry: TypeRegistry) -> String {
        guard case .map(_, let value) = kind else { return swiftType }
        return FieldPlan.types(value, registry: registry).1
    }
}
