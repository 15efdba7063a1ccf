/// The header names gRPC gives a meaning to, recognised by length and one or two bytes and then
/// at most one comparison: a `switch` over strings compares the name with every case in turn, and
/// every received header went through two such switches (RequestHead.parse showed at 8 % of the
/// server's time).
enum KnownHeader: Equatable {
    case method, path, status, contentType, te
    case grpcTimeout, grpcEncoding, grpcAcceptEncoding, grpcStatus, grpcMessage
    /// Other names the library owns (`user-agent`, `host`, `grpc-message-type`, `grpc-status-details-bin`).
    case otherReserved
    /// Other pseudo-headers (`:scheme`, `:authority`, …).
    case otherPseudo
    /// Application metadata.
    case custom

    init(_ name: String) {
        let utf8 = name.utf8
        guard let first = utf8.first else {
            self = .custom
            return
        }
        func byte(_ offset: Int) -> UInt8 { utf8[utf8.index(utf8.startIndex, offsetBy: offset)] }
        if first == UInt8(ascii: ":") {
            switch utf8.count {
            case 5 where name == ":path": self = .path
            case 7 where byte(1) == UInt8(ascii: "m") && name == ":method": self = .method
            case 7 where byte(1) == UInt8(ascii: "s") && name == ":status": self = .status
            default: self = .otherPseudo
            }
            return
        }
        let known: (KnownHeader, String)
        switch utf8.count {
        case 2: known = (.te, "te")
        case 4: known = (.otherReserved, "host")
        case 10: known = (.otherReserved, "user-agent")
        case 11: known = (.grpcStatus, "grpc-status")
        case 12:
            if first == UInt8(ascii: "c") {
                known = (.contentType, "content-type")
            } else if byte(5) == UInt8(ascii: "t") {
                known = (.grpcTimeout, "grpc-timeout")
            } else {
                known = (.grpcMessage, "grpc-message")
            }
        case 13: known = (.grpcEncoding, "grpc-encoding")
        case 17: known = (.otherReserved, "grpc-message-type")
        case 20: known = (.grpcAcceptEncoding, "grpc-accept-encoding")
        case 23: known = (.otherReserved, "grpc-status-details-bin")
        default:
            self = .custom
            return
        }
        self = name == known.1 ? known.0 : .custom
    }

    /// Names never taken from application metadata when sending, nor handed to the application as
    /// metadata on receipt (spec §4).
    var isReserved: Bool {
        switch self {
        case .custom, .method, .path, .status, .otherPseudo: return false
        default: return true
        }
    }
}
