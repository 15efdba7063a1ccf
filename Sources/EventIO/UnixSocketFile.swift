import CEventIO
import Glibc

/// The file of a listening Unix-domain socket: made by `bind`, given its permissions, and removed
/// on close only while it is still the one this listener made (another server may have replaced it).
struct UnixSocketFile: Sendable {
    let path: String
    private let device: UInt64
    private let inode: UInt64

    /// Binds and listens on `path`, replacing a stale socket file left by a dead process.
    static func bind(
        _ address: SocketAddress, path: String, permissions: UInt32?, options: SocketOptions
    ) throws(IOError) -> (Int32, UnixSocketFile) {
        try removeIfStale(address, path: path)
        let fd = try Syscall.call("socket") {
            socket(
                AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        var created = false
        do throws(IOError) {
            try options.applyToListener(fd)
            _ = try Syscall.call("bind") { address.withSockAddr { Glibc.bind(fd, $0, $1) } }
            created = true
            // Before listen(2): no client can connect while the file still has the umask's mode.
            if let permissions { _ = try Syscall.call("chmod") { chmod(path, mode_t(permissions)) } }
            _ = try Syscall.call("listen") { Glibc.listen(fd, Int32(clamping: options.backlog)) }
            var info = stat()
            _ = try Syscall.call("stat") { stat(path, &info) }
            return (fd, UnixSocketFile(path: path, device: UInt64(info.st_dev), inode: UInt64(info.st_ino)))
        } catch {
            Syscall.close(fd)
            if created { unlink(path) }
            throw error
        }
    }

    /// Unlinks `path` when it is a socket nobody accepts on; throws EADDRINUSE when it is live or
    /// is not a socket.
    private static func removeIfStale(_ address: SocketAddress, path: String) throws(IOError) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // nothing there
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw IOError(.system(errno: EADDRINUSE), operation: "bind(\(path) exists and is not a socket)")
        }
        let probe = try Syscall.call("socket") {
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        defer { Syscall.close(probe) }
        // A blocking connect to a Unix socket answers at once: refused when no process listens.
        let result = address.withSockAddr { Glibc.connect(probe, $0, $1) }
        let code = errno
        if result == 0 || code == EAGAIN {
            throw IOError(.system(errno: EADDRINUSE), operation: "bind(\(path) is served by a live process)")
        }
        if code == ECONNREFUSED { unlink(path) }
    }

    /// Unlinks the file if it is still the one `bind` made.
    func remove() {
        var info = stat()
        guard stat(path, &info) == 0, UInt64(info.st_dev) == device, UInt64(info.st_ino) == inode else { return }
        unlink(path)
    }
}

extension SocketOptions {
    /// These options without the TCP-level ones (Unix-domain sockets refuse them) and `reusePort`.
    var forUnixSockets: SocketOptions {
        var options = self
        options.noDelay = false
        options.keepAlive = nil
        options.reusePort = false
        return options
    }
}
