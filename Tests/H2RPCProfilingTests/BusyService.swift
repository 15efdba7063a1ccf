import Foundation
import H2RPC
import H2RPCProfiling
import Synchronization

/// `/test.Busy/Burn`: a handler that keeps a thread of its own busy in
/// ``profilingTestBurnCPU(_:)`` until the call is cancelled (or ``stopAll()``); the burning runs
/// on its own thread, so neither the event loops nor the tasks' pool are blocked.
final class BusyService: RPCService, Sendable {
    static let path = "/test.Busy/Burn"
    private let stopFlag = Atomic<Bool>(false)
    private let startedContinuation: AsyncStream<Int32>.Continuation
    /// The burning thread's id (gettid) each time a burn has started.
    let started: AsyncStream<Int32>

    init() {
        (started, startedContinuation) = AsyncStream.makeStream(of: Int32.self)
    }

    var methods: [RPCMethod] {
        [
            .unary(path: Self.path, service: self) {
                (service: BusyService, _: H2rpc_Debug_V1_CpuProfileRequest, _: ServerContext) in
                await service.burn()
                return H2rpc_Debug_V1_CpuProfileResponse()
            }
        ]
    }

    /// Stops every burn.
    func stopAll() { stopFlag.store(true, ordering: .relaxed) }

    private func burn() async {
        let cancelled = Flag()
        await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                let service = self
                let started = startedContinuation
                Thread.detachNewThread {
                    started.yield(CPUProfiler.currentThreadID)
                    _ = profilingTestBurnCPU { cancelled.isSet || service.stopFlag.load(ordering: .relaxed) }
                    done.resume()
                }
            }
        } onCancel: {
            cancelled.set()
        }
    }
}

/// A one-way flag threads share.
final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// The function the profile must find: integer arithmetic until `stop` says so.
@inline(never)
func profilingTestBurnCPU(_ stop: () -> Bool) -> UInt64 {
    var x: UInt64 = 1
    while !stop() {
        for _ in 0..<200_000 { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
    }
    return x
}
