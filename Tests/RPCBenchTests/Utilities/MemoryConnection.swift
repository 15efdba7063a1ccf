import Synchronization
@testable import RPCBenchCore
@testable import RPCBenchServer

/// An in-process connection for testing the load driver alone: it echoes after `serviceTime`,
/// or corrupts the echo, or never answers, or fails every n-th call with UNAVAILABLE (`failEvery(0)`:
/// every call). Integration tests use real sockets instead.
final class MemoryConnection: BenchConnection, PingPongStream {
    enum Behaviour: Sendable, Equatable {
        case echo, corrupt, silent
        case failEvery(Int)
    }
    let behaviour: Behaviour
    let serviceTime: Duration
    private let closed = Atomic<Bool>(false)
    let calls = Atomic<Int>(0)

    init(_ behaviour: Behaviour = .echo, serviceTime: Duration = .zero) {
        self.behaviour = behaviour
        self.serviceTime = serviceTime
    }

    var taskExecutor: (any TaskExecutor)? { nil }

    func unary(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        let n = calls.add(1, ordering: .relaxed).newValue
        switch behaviour {
        case .failEvery(let every):
            if every == 0 || n % every == 0 { throw .call(status: "UNAVAILABLE", "memory: call \(n) failed") }
            return payload
        case .echo:
            if serviceTime > .zero { try? await Task.sleep(for: serviceTime) }
            return payload
        case .corrupt:
            var reply = payload
            reply[reply.count - 1] &+= 1
            return reply
        case .silent:
            while !closed.load(ordering: .relaxed) { try? await Task.sleep(for: .milliseconds(5)) }
            throw .peer("closed")
        }
    }

    func openPingPong() async throws(BenchError) -> any PingPongStream { self }
    func exchange(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] { try await unary(payload) }

    func download(messageSize: Int, count: Int, onMessage: (Int) -> Void) async throws(BenchError) {
        for _ in 0..<count {
            if closed.load(ordering: .relaxed) { throw .peer("closed") }
            if serviceTime > .zero { try? await Task.sleep(for: serviceTime) }
            onMessage(behaviour == .corrupt ? messageSize - 1 : messageSize)
        }
    }

    func close() async { closed.store(true, ordering: .relaxed) }
}
