/// A value that belongs to one event loop, in a box that may cross threads: it travels with a task
/// or a `Sendable` closure, but it is read and changed only on its loop's thread, which the
/// accessors check (with `assert`: in debug builds).
///
/// Use it where a non-`Sendable` object (a delegate, a stream) must reach the loop that owns it.
package struct LoopBound<Value>: @unchecked Sendable {
    /// The loop whose thread may use the value.
    package let loop: EventLoop
    private var stored: Value

    /// Binds `value` to `loop`. Any thread: the value is not touched here.
    package init(_ value: Value, on loop: EventLoop) {
        self.loop = loop
        self.stored = value
    }

    /// The value. Loop thread only (checked in debug builds).
    package var value: Value {
        get {
            assert(loop.inEventLoop, "LoopBound value used off its event loop's thread")
            return stored
        }
        set {
            assert(loop.inEventLoop, "LoopBound value used off its event loop's thread")
            stored = newValue
        }
    }
}
