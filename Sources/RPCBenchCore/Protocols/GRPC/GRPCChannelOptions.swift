import Foundation
import H2RPC
public import RPCBenchServer

/// How `load --proto grpc` sets up each connection's channel beyond its target: the load-balancing
/// policy (`--lb`) and the gRPC JSON service config (`--service-config`: per-method timeout,
/// waitForReady, retry or hedging policy, retry throttling), which the channel applies to every call.
public struct GRPCChannelOptions: Sendable {
    var loadBalancing: LoadBalancingPolicy?
    var serviceConfig: ServiceConfig?

    /// The channel's defaults: `pick_first`, no service config.
    public init() {}

    /// True when neither a policy nor a service config was given.
    public var isDefault: Bool { loadBalancing == nil && serviceConfig == nil }

    /// Reads `--lb NAME` and `--service-config FILE`.
    /// - Throws: `.usage` naming an unknown policy, a file that cannot be read, or the key of the
    ///   service config that is wrong (`methodConfig[0].retryPolicy.maxAttempts: must be an integer ≥ 2`).
    public static func parse(
        loadBalancing name: String?, serviceConfigFile: String?
    ) throws(BenchError)
        -> GRPCChannelOptions
    {
        var options = GRPCChannelOptions()
        if let name {
            guard let policy = LoadBalancingPolicy(configName: name) else {
                throw .usage("--lb '\(name)' is not a load-balancing policy (known: pick_first, round_robin)")
            }
            options.loadBalancing = policy
        }
        if let path = serviceConfigFile {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw .usage("cannot read --service-config \(path): \(error.localizedDescription)")
            }
            do {
                options.serviceConfig = try ServiceConfig(json: text)
            } catch {
                throw .usage("--service-config \(path): \(error)")
            }
        }
        return options
    }

    /// `configuration` with these options applied.
    func apply(to configuration: inout RPCChannel.Configuration) {
        if let loadBalancing { configuration.loadBalancingPolicy = loadBalancing }
        if let serviceConfig { configuration.serviceConfig = serviceConfig }
    }
}
