/// Everything that stops a run. `description` is the one line the command prints before exiting non-zero.
public enum BenchError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Bad command-line input.
    case usage(String)
    /// The server could not listen (port in use, bad address).
    case listen(String)
    /// A child server did not come up.
    case serverStart(String)
    /// The target could not be reached.
    case connect(String)
    /// The peer broke the protocol, closed early, or sent bytes that differ from what was echoed.
    case peer(String)
    /// Nothing happened within a time limit.
    case timeout(String)
    /// One call ended with a non-OK status (`status` is its name, `UNAVAILABLE`). A load run counts
    /// these per status instead of stopping; it stops with one only when no call succeeds.
    case call(status: String, String)
    /// The protocol (or its server) cannot run this scenario.
    case unsupported(String)
    /// Interrupted by a signal.
    case interrupted

    public var description: String {
        switch self {
        case .usage(let m): m
        case .listen(let m): m
        case .serverStart(let m): m
        case .connect(let m): m
        case .peer(let m): m
        case .timeout(let m): m
        case .call(_, let m): m
        case .unsupported(let m): m
        case .interrupted: "interrupted"
        }
    }

    /// Exit status: 2 for usage errors (as ArgumentParser does), 130 for SIGINT, 1 otherwise.
    public var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .interrupted: 130
        default: 1
        }
    }
}
