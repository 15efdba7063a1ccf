// codec.proto (shared/anchors, copied in Tests/ProtoGenTests/Protos) compiled at build time by
// h2rpc's H2RPCPlugin: the code protoc-gen-h2rpc generates, benchmarked beside swift-protobuf's.
