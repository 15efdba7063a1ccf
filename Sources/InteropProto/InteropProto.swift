// InteropProto: Swift messages and services of the gRPC interop protos Protos/grpc/testing/*.proto
// (package `grpc.testing`), generated at build time by the H2RPCPlugin build plugin (no protoc needed).
// Types: `Grpc_Testing_SimpleRequest` …, `Grpc_Testing_TestService.ServiceProtocol` / `.Client`.
