import RPCBenchServer
import Synchronization

/// A value delivered once, by whichever of several racers comes first (an operation, a timer, a child's exit).
final class OneShot<Value: Sendable>: Sendable {
    private struct State {
        var result: Result<Value, BenchError>?
        var waiter: CheckedContinuation<Result<Value, BenchError>, Never>?
    }
    private let state = Mutex(State())

    /// Delivers `result` unless another was delivered first.
    func fulfill(_ result: Result<Value, BenchError>) {
        let waiter: CheckedContinuation<Result<Value, BenchError>, Never>? = state.withLock { state in
            guard state.result == nil else { return nil }
            state.result = result
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: result)
    }

    var isFulfilled: Bool { state.withLock { $0.result != nil } }

    func wait() async throws(BenchError) -> Value {
        let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<Value, BenchError>, Never>) in
            let ready: Result<Value, BenchError>? = state.withLock {
                if let result = $0.result { return result }
                $0.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
        return try result.get()
    }
}

/// Runs `operation` but gives up after `seconds`, throwing `timeout`. The operation is left running
/// (it may not listen to cancellation); callers exit or close what it waits on.
func withDeadline<Value: Sendable>(
    seconds: Double, timeout: BenchError, _ operation: @escaping @Sendable () async throws(BenchError) -> Value
) async throws(BenchError) -> Value {
    let shot = OneShot<Value>()
    let work = Task {
        do throws(BenchError) { shot.fulfill(.success(try await operation())) } catch { shot.fulfill(.failure(error)) }
    }
    let timer = Task {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        shot.fulfill(.failure(timeout))
    }
    defer { timer.cancel() }
    do {
        return try await shot.wait()
    } catch {
        work.cancel()
        throw error
    }
}
