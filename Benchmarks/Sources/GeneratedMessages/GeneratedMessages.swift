// codec.proto (the codec anchors' schema, also in Tests/ProtoGenTests/Protos) compiled at build time by
// h2rpc's H2RPCPlugin: the code protoc-gen-h2rpc generates, benchmarked beside swift-protobuf's.
