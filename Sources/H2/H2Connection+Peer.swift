public import EventIO

extension H2Connection {
    /// What is known about the two ends of a connection: both addresses and the byte stream they
    /// were read from, so that layers above can ask a stream that knows more (a TLS stream, for its
    /// peer's certificate).
    public struct Endpoints {
        /// The peer's address (for a Unix-domain socket usually an unnamed path).
        public let remoteAddress: SocketAddress?
        /// The local address: the listening address on a server.
        public let localAddress: SocketAddress?
        /// The byte stream the connection runs over: a `TCPConnection`, or a stream wrapping one.
        public let transport: any ByteStream
    }

    /// The connection's addresses and byte stream. The addresses are read once when the socket is
    /// set up, so this is cheap. Loop thread only (the byte stream is the loop's).
    public var endpoints: Endpoints {
        let transport = session.transport
        return Endpoints(
            remoteAddress: transport.remoteAddress, localAddress: transport.localAddress, transport: transport)
    }
}
