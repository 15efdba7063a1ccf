// The ProtoWire module: the protobuf binary wire format.
