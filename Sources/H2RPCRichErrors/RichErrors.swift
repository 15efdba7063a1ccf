// H2RPCRichErrors: the standard error details of google/rpc/error_details.proto and google.rpc.Status
// (Swift generated at build time by H2RPCPlugin from Protos/google/rpc), and their conversions to
// and from RPCError, whose details travel in the `grpc-status-details-bin` trailer.
//
// google.protobuf.Any and Duration come from ProtoWellKnownTypes (`Google_Protobuf_AnyMessage`,
// `Google_Protobuf_Duration`): the generated code imports that module instead of declaring them again,
// so a user target that also uses the well-known types sees one definition of each.
