
/// Carries a value across a `@Sendable` boundary that is known to be crossed on one thread only.
struct UnsafeSendableBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
