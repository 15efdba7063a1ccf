/// gRPC's connection backoff (`connection-backoff.md`): 1 s initial, ×1.6 per failure, ±20 %
/// jitter, 120 s cap. Reset when a connection is established. Each attempt itself gives up after
/// the channel's `connectTimeout` (20 s; the TCP connect step alone after 10 s).
struct ConnectionBackoff: Sendable {
    var initial: Duration = .seconds(1)
    var multiplier = 1.6
    var jitter = 0.2
    var maximum: Duration = .seconds(120)

    /// The un-jittered backoff the next failure will wait.
    private(set) var current: Duration

    init() { current = .seconds(1) }

    init(initial: Duration, maximum: Duration) {
        self.initial = initial
        self.maximum = maximum
        current = initial
    }

    /// The wait after a failed attempt (jittered by `random` in -1…1), and grows the backoff.
    mutating func nextDelay(random: Double = Double.random(in: -1...1)) -> Duration {
        let base = current
        let grown = current * multiplier
        current = min(grown, maximum)
        return base * (1 + jitter * random)
    }

    /// Back to the initial backoff (a connection was accepted).
    mutating func reset() { current = initial }
}
