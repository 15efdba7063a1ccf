// H2RPCRichErrors: the standard error details of google/rpc/error_details.proto and google.rpc.Status
// (Swift generated at build time by H2RPCPlugin from Protos/google/rpc), and their conversions to
// and from RPCError, whose details travel in the `grpc-status-details-bin` trailer.
//
// google.protobuf.Any and Duration are generated into this target too (`Google_Protobuf_AnyMessage`,
// `Google_Protobuf_Duration`), as for every target whose .proto files import them.
