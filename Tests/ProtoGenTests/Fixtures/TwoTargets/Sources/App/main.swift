import Base
import ProtoWellKnownTypes
import ProtoWire

// One message built from types of three modules (App, Base, ProtoWellKnownTypes), round-tripped.
let event = App_V1_Event.with {
    $0.item = .with {
        $0.id = 7
        $0.createdAt = Google_Protobuf_Timestamp(timeIntervalSince1970: 1.5)
    }
    $0.at = Base_V1_Item().createdAt ?? Google_Protobuf_Timestamp(timeIntervalSince1970: -0.25)
    $0.took = Google_Protobuf_Duration(.milliseconds(1500))
}
let decoded = try App_V1_Event(serializedBytes: event.serializedBytes())
print("equal:", decoded == event)
print("item:", decoded.item?.id ?? 0, decoded.item?.createdAt?.seconds ?? 0, decoded.item?.createdAt?.nanos ?? 0)
print("at:", decoded.at?.seconds ?? 0, decoded.at?.nanos ?? 0)
print("took:", decoded.took?.duration ?? .zero)
print("files:", App_ProtoFile.descriptor.withTransitiveDependencies.map(\.name).joined(separator: " "))
