import H2TLS
import EventIO
import RPCBenchServer

/// The TLS side of the tcp and h2 bench clients.
enum BenchClientTLS {
    /// The context `configuration` describes (nil: plaintext).
    static func context(_ configuration: TLSClientConfiguration?) throws(BenchError) -> TLSClientContext? {
        guard let configuration else { return nil }
        do {
            return try TLSClientContext(configuration)
        } catch {
            throw .usage("TLS: \(error)")
        }
    }

    /// A TLS client stream over a connected, not yet started socket to `host`, or nil when OpenSSL
    /// cannot make one.
    static func stream(over tcp: TCPConnection, host: String, context: TLSClientContext) -> TLSByteStream? {
        try? TLSByteStream(connected: tcp, serverName: host, context: context)
    }
}
