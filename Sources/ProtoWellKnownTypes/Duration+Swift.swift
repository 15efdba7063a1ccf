extension Google_Protobuf_Duration {
    /// `duration` in whole seconds and nanoseconds, both with the duration's sign (as the type
    /// requires); below a nanosecond is truncated toward zero.
    public init(_ duration: Swift.Duration) {
        self.init()
        let (seconds, attoseconds) = duration.components
        self.seconds = seconds
        self.nanos = Int32(attoseconds / 1_000_000_000)
    }

    /// The duration as a Swift `Duration`.
    public var duration: Swift.Duration {
        Swift.Duration(secondsComponent: seconds, attosecondsComponent: Int64(nanos) * 1_000_000_000)
    }
}
