import EventIO
import H2TLS
import Synchronization

/// Records a TLS connection's events and lets a test await them; optionally answers each read.
final class TLSRecorder: TLSConnectionDelegate, @unchecked Sendable {
    struct Snapshot: Sendable {
        var established = false
        var bytes: [UInt8] = []
        var closed = false
        var error: TLSConnection.Failure?
        var peerSubject: String?
        var negotiatedProtocol: String?
    }

    private let state = Mutex(Snapshot())
    private let waiters = Mutex<
        [(id: Int, condition: @Sendable (Snapshot) -> Bool, continuation: CheckedContinuation<Snapshot, Never>)]
    >([])
    private let nextID = Atomic<Int>(0)
    /// Called on the loop with each read's bytes; may write or close.
    let onRead: ((TLSConnection, [UInt8]) -> Void)?
    /// Called on the loop once established.
    let onEstablished: ((TLSConnection) -> Void)?

    init(onEstablished: ((TLSConnection) -> Void)? = nil, onRead: ((TLSConnection, [UInt8]) -> Void)? = nil) {
        self.onEstablished = onEstablished
        self.onRead = onRead
    }

    func tlsConnectionDidCompleteHandshake(_ connection: TLSConnection) {
        update {
            $0.established = true
            $0.peerSubject = connection.peerCertificate?.subject
            $0.negotiatedProtocol = connection.engine.negotiatedProtocol
        }
        onEstablished?(connection)
    }

    func tlsConnection(_ connection: TLSConnection, didRead bytes: Span<UInt8>) {
        let copy = bytes.withUnsafeBufferPointer { Array($0) }
        update { $0.bytes += copy }
        onRead?(connection, copy)
    }

    func tlsConnectionClosed(_ connection: TLSConnection, error: TLSConnection.Failure?) {
        update {
            $0.closed = true
            $0.error = error
        }
    }

    private func update(_ body: (inout Snapshot) -> Void) {
        let snapshot = state.withLock { state in
            body(&state)
            return state
        }
        let ready = waiters.withLock { waiters in
            var ready: [CheckedContinuation<Snapshot, Never>] = []
            waiters.removeAll { waiter in
                if waiter.condition(snapshot) { ready.append(waiter.continuation); return true }
                return false
            }
            return ready
        }
        for continuation in ready { continuation.resume(returning: snapshot) }
    }

    /// The state once `condition` holds (checked now and after every event).
    func wait(until condition: @escaping @Sendable (Snapshot) -> Bool) async -> Snapshot {
        await withCheckedContinuation { continuation in
            // Register first, then re-check, so an event between the two is not lost.
            let id = nextID.add(1, ordering: .relaxed).newValue
            waiters.withLock { $0.append((id, condition, continuation)) }
            let snapshot = state.withLock { $0 }
            guard condition(snapshot) else { return }
            let mine = waiters.withLock { waiters -> Bool in
                guard let index = waiters.firstIndex(where: { $0.id == id }) else { return false }
                waiters.remove(at: index)
                return true
            }
            if mine { continuation.resume(returning: snapshot) }
        }
    }

    /// The state once closed.
    func closed() async -> Snapshot { await wait { $0.closed } }
}
