import EventIO
import Glibc
import Synchronization
import TestSupport

/// Echoes every byte back.
final class EchoDelegate: TCPConnectionDelegate {
    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        connection.write(bytes)
    }
    func connectionClosed(_ connection: TCPConnection, error: IOError?) {}
}

/// Collects what arrives and lets a test wait for a byte count or for the close.
final class Collector: TCPConnectionDelegate, @unchecked Sendable {
    private struct State {
        var bytes: [UInt8] = []
        var closed = false
        var closeError: IOError?
        var waiters: [(Int, UnsafeContinuation<Void, Never>)] = []
        var closeWaiters: [UnsafeContinuation<Void, Never>] = []
        var writabilityChanges = 0
    }
    private let state = Mutex(State())

    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        let ready: [UnsafeContinuation<Void, Never>] = state.withLock { state in
            bytes.withUnsafeBufferPointer { state.bytes.append(contentsOf: $0) }
            let count = state.bytes.count
            let ready = state.waiters.filter { $0.0 <= count }.map(\.1)
            state.waiters.removeAll { $0.0 <= count }
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    func connectionWritabilityChanged(_ connection: TCPConnection) {
        state.withLock { $0.writabilityChanges += 1 }
    }

    func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        let ready: [UnsafeContinuation<Void, Never>] = state.withLock { state in
            state.closed = true
            state.closeError = error
            let ready = state.closeWaiters + state.waiters.map(\.1)
            state.closeWaiters.removeAll()
            state.waiters.removeAll()
            return ready
        }
        for continuation in ready { continuation.resume() }
    }

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var isClosed: Bool { state.withLock { $0.closed } }
    var closeError: IOError? { state.withLock { $0.closeError } }
    var writabilityChanges: Int { state.withLock { $0.writabilityChanges } }

    /// Returns once at least `count` bytes arrived or the connection closed; polls so that a timeout can cancel it.
    func waitForBytes(_ count: Int) async throws {
        while !state.withLock({ $0.bytes.count >= count || $0.closed }) { try await Task.sleep(for: .milliseconds(2)) }
    }

    /// Returns once the connection closed.
    func waitForClose() async throws {
        while !state.withLock({ $0.closed }) { try await Task.sleep(for: .milliseconds(2)) }
    }
}

/// Runs `body` on `loop` and returns its result.
func onLoop<T: Sendable>(_ loop: EventLoop, _ body: @escaping @Sendable () -> T) async -> T {
    await withUnsafeContinuation { continuation in
        loop.execute { continuation.resume(returning: body()) }
    }
}

/// Fails the test task with a clear message when `body` takes longer than `seconds`.
