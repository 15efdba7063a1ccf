import CEventIO
import Glibc
import Synchronization

/// A listening TCP socket (or, with `SocketOptions.reusePort`, one per loop), or a Unix-domain
/// socket, that accepts without blocking and hands each connection, not yet started, to
/// `onAccept` on the loop that will own it.
public final class TCPListener: Sendable {
    /// The bound address (with the real port when 0 was asked for).
    public let localAddress: SocketAddress
    private let sockets: [(loop: EventLoop, acceptor: Acceptor)]

    private init(localAddress: SocketAddress, sockets: [(loop: EventLoop, acceptor: Acceptor)]) {
        self.localAddress = localAddress
        self.sockets = sockets
    }

    /// Binds and listens on `address`. Accepted connections are spread round-robin over the
    /// group's loops (or stay on the accepting loop with `reusePort`); `onAccept` runs on the
    /// connection's loop and must call `start(delegate:)` there (or `close()`). Any thread.
    ///
    /// A Unix-domain `address` gets one socket (`reusePort` and the TCP-only options do not
    /// apply); its file is created with `unixPermissions` (e.g. `0o600`; nil leaves the umask's
    /// choice) and removed by `close()`. A stale socket file that no process listens on is
    /// replaced; a live one, or a file that is not a socket, is an error (`EADDRINUSE`).
    /// - Throws: `IOError` when the socket cannot be bound or listened on.
    public static func bind(
        to address: SocketAddress, group: EventLoopGroup, options: SocketOptions = SocketOptions(),
        unixPermissions: UInt32? = nil,
        onAccept: @escaping @Sendable (TCPConnection) -> Void
    ) throws(IOError) -> TCPListener {
        var sockets: [(loop: EventLoop, acceptor: Acceptor)] = []
        var bound = address
        let options = address.unixPath == nil ? options : options.forUnixSockets
        do {
            let loops = options.reusePort ? group.loops : [group.next()]
            for loop in loops {
                let fd: Int32
                var socketFile: UnixSocketFile?
                if let path = address.unixPath {
                    (fd, socketFile) = try UnixSocketFile.bind(
                        address, path: path, permissions: unixPermissions, options: options)
                } else {
                    fd = try openListeningSocket(bound, options: options)
                    if sockets.isEmpty, let actual = SocketAddress.of(fd, peer: false) { bound = actual }
                }
                let acceptor = Acceptor(
                    fd: fd, loop: loop, group: options.reusePort ? nil : group, options: options,
                    socketFile: socketFile,
                    onAccept: onAccept)
                sockets.append((loop, acceptor))
            }
        } catch {
            for socket in sockets { socket.acceptor.closeUnregistered() }
            throw error
        }
        for (loop, acceptor) in sockets {
            loop.execute { acceptor.register() }
        }
        return TCPListener(localAddress: bound, sockets: sockets)
    }

    private static func openListeningSocket(_ address: SocketAddress, options: SocketOptions) throws(IOError) -> Int32 {
        let fd = try Syscall.call("socket") {
            socket(
                address.family,
                Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        }
        do {
            try options.applyToListener(fd)
            _ = try Syscall.call("bind") { address.withSockAddr { Glibc.bind(fd, $0, $1) } }
            _ = try Syscall.call("listen") { Glibc.listen(fd, Int32(clamping: options.backlog)) }
        } catch {
            Syscall.close(fd)
            throw error
        }
        return fd
    }

    /// Stops accepting and closes the listening socket(s); returns when they are closed.
    /// Connections already accepted stay open.
    public func close() async {
        await withTaskGroup(of: Void.self) { group in
            for (loop, acceptor) in sockets {
                group.addTask {
                    await withUnsafeContinuation { (continuation: UnsafeContinuation<Void, Never>) in
                        loop.execute {
                            acceptor.close()
                            continuation.resume()
                        }
                    }
                    acquireContinuationResume()
                }
            }
        }
    }
}

/// Accepts on one listening socket. Loop thread only after `register()`.
private final class Acceptor: SelectableHandler, @unchecked Sendable {
    let fd: Int32
    let loop: EventLoop
    let group: EventLoopGroup?
    let options: SocketOptions
    let socketFile: UnixSocketFile?
    let onAccept: @Sendable (TCPConnection) -> Void
    private var state = 0  // 0 created, 1 registered, 2 closed
    private var backoff: LoopTimer?

    init(
        fd: Int32, loop: EventLoop, group: EventLoopGroup?, options: SocketOptions, socketFile: UnixSocketFile?,
        onAccept: @escaping @Sendable (TCPConnection) -> Void
    ) {
        self.fd = fd
        self.loop = loop
        self.group = group
        self.options = options
        self.socketFile = socketFile
        self.onAccept = onAccept
    }

    /// Closes a socket that never reached its loop (bind failed for a later one).
    func closeUnregistered() {
        state = 2
        Syscall.close(fd)
        socketFile?.remove()
    }

    func register() {
        guard state == 0 else { return }
        do {
            try loop.register(fd, self, events: EPOLLIN.rawValue)
            state = 1
        } catch {
            close()
        }
    }

    func handleEvents(_ events: UInt32) {
        for _ in 0..<64 {
            let outcome: Syscall.Outcome<Int32>
            do {
                outcome = try Syscall.nonBlocking("accept4") {
                    accept4(fd, nil, nil, Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue))
                }
            } catch {
                handleAcceptError(error)
                return
            }
            guard case .done(let client) = outcome else { return }
            do {
                try options.applyToConnection(client)
            } catch {
                Syscall.close(client)
                continue
            }
            let target = group?.next() ?? loop
            if target === loop {
                onAccept(TCPConnection(fd: client, loop: loop))
            } else {
                let onAccept = self.onAccept
                target.execute { onAccept(TCPConnection(fd: client, loop: target)) }
            }
        }
    }

    private func handleAcceptError(_ error: IOError) {
        switch error.errno {
        case ECONNABORTED, EPROTO, EPERM:
            return  // that one connection is gone; keep accepting
        case EMFILE, ENFILE, ENOBUFS, ENOMEM:
            // Out of descriptors or memory: stop polling briefly instead of spinning on the backlog.
            loop.modify(fd, events: 0)
            backoff = loop.schedule(after: .milliseconds(100)) { [weak self] in
                guard let self, self.state == 1 else { return }
                self.loop.modify(self.fd, events: EPOLLIN.rawValue)
            }
        default:
            return
        }
    }

    func close() {
        guard state != 2 else { return }
        if state == 1 { loop.deregister(fd) }
        state = 2
        backoff?.cancel()
        Syscall.close(fd)
        socketFile?.remove()
    }

    func closeForShutdown() { close() }
}
