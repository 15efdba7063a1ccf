/// The channel's HTTP/2 connection(s) and the opening of call streams on them.
/// (Wired to H2's client role once that lands; until then every call fails UNAVAILABLE.)
final class ChannelConnection: Sendable {
    let host: String
    let port: Int
    let configuration: RPCChannel.Configuration

    init(host: String, port: Int, configuration: RPCChannel.Configuration) {
        self.host = host
        self.port = port
        self.configuration = configuration
    }

    /// Opens the call's stream and sends its request headers.
    func start(_ call: ClientCall, path: String, options: CallOptions) async throws(RPCError) {
        throw RPCError(code: .unavailable, message: "no HTTP/2 transport yet")
    }

    func close() async {}
}
