import EventIO
import Glibc

/// A TCP listener on 127.0.0.1 that never calls `accept` and never sends a byte: the kernel
/// completes each client's handshake (the connection is established, queued for accepting), so a
/// client is connected to a server that never answers.
final class SilentListener: Sendable {
    let port: Int
    private let descriptor: Int32

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer -> Bool in
                bind(listener, pointer, length) == 0 && listen(listener, 16) == 0
                    && getsockname(listener, pointer, &length) == 0
            }
        }
        guard listener >= 0, bound else { throw IOError(.system(errno: errno), operation: "listen") }
        port = Int(UInt16(bigEndian: address.sin_port))
        descriptor = listener
    }

    func close() { _ = Glibc.close(descriptor) }
}
