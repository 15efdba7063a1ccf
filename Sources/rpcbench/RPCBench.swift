import ArgumentParser

/// `rpcbench serve | load | compare`: raw TCP framing, plain HTTP/2 and gRPC side by side.
@main
struct RPCBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rpcbench",
        abstract: "Measure raw TCP framing, plain HTTP/2 and gRPC side by side on the same event loop and workload.",
        subcommands: [CompareCommand.self, LoadCommand.self, ServeCommand.self],
        defaultSubcommand: nil)
}
