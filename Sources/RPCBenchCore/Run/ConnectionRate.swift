public import RPCBenchServer

/// New connections per second, one at a time: connect (over TLS: the full handshake), one 16-byte
/// unary call whose echo is checked, close. What a client without connection reuse pays per call, and
/// with TLS the server's handshake rate.
public struct ConnectionRate: Sendable, Equatable {
    /// The protocol's name in the report (`tcp`, `grpc+tls`…).
    public var protocolName: String
    public var connections: Int
    public var seconds: Double
    public var perSecond: Double { seconds > 0 ? Double(connections) / seconds : 0 }

    public init(protocolName: String, connections: Int, seconds: Double) {
        self.protocolName = protocolName
        self.connections = connections
        self.seconds = seconds
    }

    /// Connects to `target` again and again for `seconds`.
    /// - Throws: the first connect or call failure (a refused handshake is not a figure).
    public static func measure(
        client: any BenchClient, target: Target, protocolName: String, seconds: Double
    ) async throws(BenchError) -> ConnectionRate {
        let payload = [UInt8](repeating: 0x5A, count: 16)
        let clock = ContinuousClock()
        let start = clock.now
        let end = start + .milliseconds(Int(seconds * 1000))
        var count = 0
        while clock.now < end {
            if Task.isCancelled { throw .interrupted }
            let connection = try await withDeadline(
                seconds: 5, timeout: .connect("cannot connect to \(target) within 5 s")
            ) { () async throws(BenchError) -> any BenchConnection in
                try await client.connect(to: target)
            }
            do throws(BenchError) {
                let echo = try await connection.unary(payload)
                guard echo == payload else { throw .peer("the \(protocolName) server at \(target) echoed other bytes") }
            } catch {
                await connection.close()
                throw error
            }
            await connection.close()
            count += 1
        }
        let elapsed = start.duration(to: clock.now)
        return ConnectionRate(
            protocolName: protocolName, connections: count,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
