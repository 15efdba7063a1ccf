import CEventIO

/// Tells ThreadSanitizer that what the thread that resumed the current task's continuation did
/// before `resume` happened before the code after the `await`. Call it right after
/// `withUnsafeContinuation` returns when another thread (an event loop) resumes the continuation.
///
/// Swift's runtime (6.3) tells ThreadSanitizer about that edge itself (`__tsan_release` on the task
/// when resuming, `__tsan_acquire` when the task runs again), except when the continuation is
/// resumed before its task reached the `await`: `swift_continuation_await` then continues the task
/// at once, with no acquire. A loop that answers quickly makes that common, and ThreadSanitizer
/// then reports the value handed over (made on the loop, read by the task) and the continuation's
/// own context (read by `resume`, reused by the task) as data races. This is the missing acquire,
/// on the same address as the runtime's release (the task).
///
/// Without ThreadSanitizer in the process it costs one load and a branch.
@usableFromInline
package func acquireContinuationResume() {
    guard eventio_tsan_active() != 0 else { return }
    withUnsafeCurrentTask { task in
        guard let task else { return }
        // UnsafeCurrentTask is a single reference to the task object: the address the runtime released.
        eventio_tsan_acquire(unsafeBitCast(task, to: UnsafeMutableRawPointer.self))
    }
}
