// protoc-gen-h2rpc: Swift messages and gRPC stubs from .proto files.
//
//   protoc --plugin=protoc-gen-h2rpc --h2rpc_out=DIR [--h2rpc_opt=Visibility=Public] file.proto…
//       protoc plugin mode: no arguments, CodeGeneratorRequest on stdin, CodeGeneratorResponse on stdout.
//   protoc-gen-h2rpc --proto_path P --swift_out DIR [--visibility public] file.proto…
//       standalone mode: parses the files itself, no protoc needed.
import ProtoGen

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty {
    exit(PluginMode.run())
}
exit(StandaloneMode.run(arguments))
