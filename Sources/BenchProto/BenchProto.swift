// BenchProto: Swift messages and the Echo service of Protos/bench.proto (package `bench`), generated at
// build time by the H2RPCPlugin build plugin (no protoc needed). Types: `Bench_Payload`,
// `Bench_DownloadRequest`, `Bench_Echo.ServiceProtocol`, `Bench_Echo.Client`.
