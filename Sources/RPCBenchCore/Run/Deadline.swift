import EventIO
import RPCBenchServer

/// Runs `operation` but gives up after `seconds`, throwing `timeout`; a cancelled task gives up
/// at once with `.interrupted`. The operation is cancelled then but may not listen to cancellation;
/// callers exit or close what it waits on.
func withDeadline<Value: Sendable>(
    seconds: Double, timeout: BenchError, _ operation: @escaping @Sendable () async throws(BenchError) -> Value
) async throws(BenchError) -> Value {
    let outcome = Promise<Result<Value, BenchError>>()
    let work = Task {
        do throws(BenchError) { outcome.complete(.success(try await operation())) } catch {
            outcome.complete(.failure(error))
        }
    }
    let timer = Task {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        outcome.complete(.failure(timeout))
    }
    defer { timer.cancel() }
    let result: Result<Value, BenchError>
    do {
        result = try await outcome.wait()
    } catch {
        result = .failure(.interrupted)
    }
    if case .failure = result { work.cancel() }
    return try result.get()
}
