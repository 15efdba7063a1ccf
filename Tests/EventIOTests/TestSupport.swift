import EventIO
import Glibc
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
        var writabilityChanges = 0
    }
    private let state = WaitableState(State())

    func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
        state.update { state in bytes.withUnsafeBufferPointer { state.bytes.append(contentsOf: $0) } }
    }

    func connectionWritabilityChanged(_ connection: TCPConnection) {
        state.update { $0.writabilityChanges += 1 }
    }

    func connectionClosed(_ connection: TCPConnection, error: IOError?) {
        state.update { state in
            state.closed = true
            state.closeError = error
        }
    }

    var bytes: [UInt8] { state.withLock { $0.bytes } }
    var isClosed: Bool { state.withLock { $0.closed } }
    var closeError: IOError? { state.withLock { $0.closeError } }
    var writabilityChanges: Int { state.withLock { $0.writabilityChanges } }

    /// Returns once at least `count` bytes arrived or the connection closed (a timeout around it cancels the wait).
    func waitForBytes(_ count: Int) async throws {
        try await state.wait { $0.bytes.count >= count || $0.closed ? () : nil }
    }

    /// Returns once the connection closed.
    func waitForClose() async throws {
        try await state.wait { $0.closed ? () : nil }
    }
}
