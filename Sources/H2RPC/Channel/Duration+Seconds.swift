extension Duration {
    /// The duration in seconds as a `Double` (for backoff arithmetic).
    var inSeconds: Double {
        Double(components.seconds) + Double(components.attoseconds) * 1e-18
    }

    /// A duration of `seconds` (rounded to nanoseconds).
    init(inSeconds seconds: Double) {
        self = .nanoseconds(Int64((seconds * 1e9).rounded()))
    }
}
