import ProtoGen

/// protoc plugin mode: CodeGeneratorRequest on stdin, CodeGeneratorResponse on stdout.
enum PluginMode {
    static func run() -> Int32 {
        guard let request = FileIO.readStdin() else {
            FileIO.writeStderr("protoc-gen-h2rpc: cannot read stdin\n")
            return 1
        }
        guard FileIO.writeStdout(PluginRunner.respond(to: request)) else {
            FileIO.writeStderr("protoc-gen-h2rpc: cannot write stdout\n")
            return 1
        }
        return 0
    }
}
