import EventIO
import H2
import H2TLS

/// The address of one end of a call.
public enum RPCAddress: Sendable, Hashable, CustomStringConvertible {
    /// An IPv4 address (`127.0.0.1`) and port.
    case ipv4(host: String, port: Int)
    /// An IPv6 address (`::1`, without brackets) and port.
    case ipv6(host: String, port: Int)
    /// A Unix-domain socket's path; empty for the unnamed socket a client usually connects from.
    case unix(path: String)

    /// `ipv4:127.0.0.1:5000`, `ipv6:[::1]:5000` or `unix:/run/app.sock`: the form grpc-go and
    /// gRPC C++ give their peer strings.
    public var description: String {
        switch self {
        case .ipv4(let host, let port): "ipv4:\(host):\(port)"
        case .ipv6(let host, let port): "ipv6:[\(host)]:\(port)"
        case .unix(let path): "unix:\(path)"
        }
    }

    init(_ address: SocketAddress) {
        if let path = address.unixPath {
            self = .unix(path: path)
        } else if address.isIPv6 {
            self = .ipv6(host: address.host, port: address.port)
        } else {
            self = .ipv4(host: address.host, port: address.port)
        }
    }
}

/// What a server call knows about its connection, captured when the call starts (copies of values
/// the connection read once; the addresses are turned into text only when a handler asks).
struct ConnectionPeer: Sendable {
    var remoteAddress: SocketAddress?
    var localAddress: SocketAddress?
    var certificate: TLSPeerCertificate?

    init() {}

    /// Reads `connection`'s endpoints and, over TLS, the certificate the client presented. Loop thread only.
    init(_ connection: H2Connection) {
        let endpoints = connection.endpoints
        remoteAddress = endpoints.remoteAddress
        localAddress = endpoints.localAddress
        certificate = (endpoints.transport as? TLSByteStream)?.connection.peerCertificate
    }
}
