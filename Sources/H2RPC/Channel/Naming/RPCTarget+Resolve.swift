import Glibc

extension RPCTarget {
    /// The target's addresses now: a DNS lookup (every IPv6 and IPv4 address, in the system
    /// resolver's order) or the fixed list.
    ///
    /// The lookup runs on a worker thread; cancelling the task ends the wait at once.
    /// - Throws: `NameResolutionError` (`.cancelled` when the task is cancelled).
    public func resolve() async throws(NameResolutionError) -> [ResolvedAddress] {
        switch kind {
        case .addresses(let addresses):
            if Task.isCancelled { throw NameResolutionError(.cancelled, host: text, message: "cancelled") }
            return addresses
        case .dns(let host, let port, let dnsServer):
            if let dnsServer {
                throw NameResolutionError(
                    .unsupported, host: host,
                    message:
                        "the system resolver cannot query DNS server \"\(dnsServer)\" (write dns:///\(host):\(port))")
            }
            // A numeric address needs no lookup (and no worker thread).
            if RPCTarget.isAddress(host, family: AF_INET) { return [.ipv4(host: host, port: port)] }
            if RPCTarget.isAddress(host, family: AF_INET6) { return [.ipv6(host: host, port: port)] }
            return try await DNSResolver.resolve(host: host, port: port)
        }
    }
}
