import CEventIO
import Glibc

extension TCPConnection {
    /// Opens a connection to `address` (TCP, or a Unix-domain socket path) without blocking.
    /// `completion` runs on `loop`'s thread with a connection that is not yet started (call
    /// `start(delegate:)` there). Any thread. TCP-level options do not apply to Unix sockets.
    /// - Parameter timeout: fail with `.timedOut` if the handshake takes longer.
    public static func connect(
        to address: SocketAddress, on loop: EventLoop, options: SocketOptions = SocketOptions(),
        timeout: Duration? = .seconds(10),
        _ completion: @escaping @Sendable (Result<TCPConnection, IOError>) -> Void
    ) {
        loop.execute {
            Connector.start(address: address, loop: loop, options: options, timeout: timeout, completion: completion)
        }
    }

    /// Opens a connection to `address`; returns it not yet started (call `start(delegate:)` on its loop).
    /// - Throws: `IOError` when the connection is refused, times out or the socket cannot be created.
    public static func connect(
        to address: SocketAddress, on loop: EventLoop, options: SocketOptions = SocketOptions(),
        timeout: Duration? = .seconds(10)
    ) async throws(IOError) -> TCPConnection {
        let result = await withUnsafeContinuation {
            (continuation: UnsafeContinuation<Result<TCPConnection, IOError>, Never>) in
            connect(to: address, on: loop, options: options, timeout: timeout) { continuation.resume(returning: $0) }
        }
        acquireContinuationResume()
        return try result.get()
    }
}

/// Waits for a non-blocking connect(2) to finish.
private final class Connector: SelectableHandler {
    let fd: Int32
    let loop: EventLoop
    var completion: ((Result<TCPConnection, IOError>) -> Void)?
    var timer: LoopTimer?

    init(fd: Int32, loop: EventLoop, completion: @escaping (Result<TCPConnection, IOError>) -> Void) {
        self.fd = fd
        self.loop = loop
        self.completion = completion
    }

    static func start(
        address: SocketAddress, loop: EventLoop, options: SocketOptions, timeout: Duration?,
        completion: @escaping (Result<TCPConnection, IOError>) -> Void
    ) {
        let fd: Int32
        let options = address.unixPath == nil ? options : options.forUnixSockets
        do {
            fd = try Syscall.call("socket") {
                socket(
                    address.family,
                    Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            }
        } catch {
            completion(.failure(error))
            return
        }
        do {
            try options.applyToConnection(fd)
            let outcome = try Syscall.nonBlocking("connect") {
                address.withSockAddr { Glibc.connect(fd, $0, $1) }
            }
            if case .done = outcome {
                completion(.success(TCPConnection(fd: fd, loop: loop)))
                return
            }
            if address.unixPath != nil {
                // EAGAIN from a Unix-domain connect means the listener's backlog is full, not "in progress".
                Syscall.close(fd)
                completion(.failure(IOError(.system(errno: EAGAIN), operation: "connect")))
                return
            }
        } catch let error where error.errno == EINPROGRESS {
            // Normal for a non-blocking connect: wait for writability below.
        } catch {
            Syscall.close(fd)
            completion(.failure(error))
            return
        }
        let connector = Connector(fd: fd, loop: loop, completion: completion)
        do {
            try loop.register(fd, connector, events: EPOLLOUT.rawValue)
        } catch {
            Syscall.close(fd)
            completion(.failure(error))
            return
        }
        if let timeout {
            connector.timer = loop.schedule(after: timeout) { [connector] in
                connector.finish(.failure(IOError(.timedOut, operation: "connect")))
            }
        }
    }

    func handleEvents(_ events: UInt32) {
        let code = SocketOptions.get(fd, SOL_SOCKET, SO_ERROR)
        if code == 0 {
            finish(.success(()))
        } else {
            finish(.failure(IOError(.system(errno: code), operation: "connect")))
        }
    }

    func closeForShutdown() {
        finish(.failure(IOError(.loopShutDown, operation: "connect")))
    }

    private func finish(_ result: Result<Void, IOError>) {
        guard let completion else { return }
        self.completion = nil
        timer?.cancel()
        loop.deregister(fd)
        switch result {
        case .success:
            completion(.success(TCPConnection(fd: fd, loop: loop)))
        case .failure(let error):
            Syscall.close(fd)
            completion(.failure(error))
        }
    }
}
