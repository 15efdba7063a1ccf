import RPCBenchServer

#if canImport(Glibc)
    import Glibc
#endif

// `rpcbench-server [serve] --proto tcp|h2|grpc --port P`: the same servers as `rpcbench serve`, in a binary
// without Foundation and the command-line parser, so that the peak RSS `compare` reports is the server's.
do {
    let command = try ServerCommandLine.parse(Array(CommandLine.arguments.dropFirst()))
    await command.run()
} catch {
    ServerCommandLine.writeLine(2, "rpcbench-server: \(error)")
    exit(error.exitCode)
}
