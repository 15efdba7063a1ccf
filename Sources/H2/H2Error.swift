/// An HTTP/2 error code (RFC 9113 §7), as carried by RST_STREAM and GOAWAY.
public struct H2ErrorCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The 32-bit code.
    public let rawValue: UInt32
    /// Wraps a code.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let noError = H2ErrorCode(rawValue: 0x0)
    public static let protocolError = H2ErrorCode(rawValue: 0x1)
    public static let internalError = H2ErrorCode(rawValue: 0x2)
    public static let flowControlError = H2ErrorCode(rawValue: 0x3)
    public static let settingsTimeout = H2ErrorCode(rawValue: 0x4)
    public static let streamClosed = H2ErrorCode(rawValue: 0x5)
    public static let frameSizeError = H2ErrorCode(rawValue: 0x6)
    public static let refusedStream = H2ErrorCode(rawValue: 0x7)
    public static let cancel = H2ErrorCode(rawValue: 0x8)
    public static let compressionError = H2ErrorCode(rawValue: 0x9)
    public static let connectError = H2ErrorCode(rawValue: 0xa)
    public static let enhanceYourCalm = H2ErrorCode(rawValue: 0xb)
    public static let inadequateSecurity = H2ErrorCode(rawValue: 0xc)
    public static let http11Required = H2ErrorCode(rawValue: 0xd)

    public var description: String {
        let names = [
            "NO_ERROR", "PROTOCOL_ERROR", "INTERNAL_ERROR", "FLOW_CONTROL_ERROR", "SETTINGS_TIMEOUT",
            "STREAM_CLOSED", "FRAME_SIZE_ERROR", "REFUSED_STREAM", "CANCEL", "COMPRESSION_ERROR",
            "CONNECT_ERROR", "ENHANCE_YOUR_CALM", "INADEQUATE_SECURITY", "HTTP_1_1_REQUIRED",
        ]
        return rawValue < names.count ? names[Int(rawValue)] : "0x\(String(rawValue, radix: 16))"
    }
}

/// Why a stream or connection ended abnormally, or why an operation could not be done.
public enum H2Error: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stream was reset (RST_STREAM) by the peer or locally, with this code.
    case streamReset(H2ErrorCode)
    /// The peer sent GOAWAY with this code; streams above `lastStreamID` were not processed.
    case goAway(H2ErrorCode, lastStreamID: Int32)
    /// The connection broke (socket error, peer vanished, protocol violation) before the stream ended.
    case connectionClosed(String)
    /// nghttp2 refused an operation; the text says which and why.
    case protocolViolation(String)
    /// The connection does not accept new streams (GOAWAY sent or received, or closing).
    case connectionNotUsable
    /// A timeout of the connection fired (idle, header read or keepalive).
    case timedOut(String)
    /// Connecting the socket failed.
    case connectFailed(String)
    /// The task waiting for the operation was cancelled.
    case cancelled

    public var description: String {
        switch self {
        case .streamReset(let code): return "stream reset with \(code)"
        case .goAway(let code, let last): return "GOAWAY \(code), last stream \(last)"
        case .connectionClosed(let why): return "connection closed: \(why)"
        case .protocolViolation(let what): return "HTTP/2 protocol violation: \(what)"
        case .connectionNotUsable: return "connection accepts no new streams"
        case .timedOut(let what): return "timed out: \(what)"
        case .connectFailed(let why): return "connect failed: \(why)"
        case .cancelled: return "cancelled"
        }
    }
}
