import H2RPC
import RPCBenchServer

extension Target {
    /// Any gRPC target string, checked by the channel's own parser; the error names the wrong part.
    static func grpc(_ text: String) throws(BenchError) -> Target {
        let parsed: RPCTarget
        do {
            parsed = try RPCTarget(text)
        } catch {
            throw .usage("\(error)")
        }
        var target: Target
        switch parsed.kind {
        case .dns(let host, let port, _):
            target = Target(host: host, port: port)
        case .addresses(let addresses):
            switch addresses.first {
            case .ipv4(let host, let port), .ipv6(let host, let port): target = Target(host: host, port: port)
            case .unix(let path): target = Target(host: path, port: 0)
            case .unixAbstract(let name): target = Target(host: name, port: 0)
            case nil: throw .usage("target '\(text)' names no address")
            }
        }
        target.channelTarget = text
        return target
    }
}
