/// The lines generated code runs for a proto2 group field: ProtoWire's group helpers, in the same
/// shapes as for a nested message (presence, repeated, oneof member) but written between START_GROUP
/// and END_GROUP tags instead of with a length prefix. nil for any other field.
enum GroupCalls {
    static func size(_ plan: FieldPlan) -> String? {
        guard plan.field.type == .group else { return nil }
        let n = plan.field.number
        switch plan.kind {
        case .repeated: return "ProtoSize.repeatedGroup(self.\(plan.name), field: \(n))"
        case .oneofMember: return "ProtoSize.group(value, field: \(n))"
        default: return "ProtoSize.groupIfPresent(self.\(plan.storage), field: \(n))"
        }
    }

    static func write(_ plan: FieldPlan) -> String? {
        guard plan.field.type == .group else { return nil }
        let n = plan.field.number
        switch plan.kind {
        case .repeated: return "writer.writeRepeatedGroup(self.\(plan.name), field: \(n))"
        case .oneofMember: return "writer.writeGroup(value, field: \(n))"
        default: return "writer.writeGroupIfPresent(self.\(plan.storage), field: \(n))"
        }
    }

    /// `oneof` is the oneof's property and Swift type when the field is a member.
    static func read(_ plan: FieldPlan, oneof: (property: String, type: String)?) -> String? {
        guard plan.field.type == .group else { return nil }
        switch plan.kind {
        case .repeated: return "try reader.readRepeatedGroup(field, into: &self.\(plan.name))"
        case .oneofMember:
            guard let oneof else { return nil }
            return
                "try reader.readGroup(field, into: &self.\(oneof.property), as: \(oneof.type).\(plan.name), current: { if case .\(plan.name)(let value) = $0 { value } else { nil } })"
        default: return "try reader.readGroup(field, into: &self.\(plan.storage))"
        }
    }
}
