package import EventIO

/// The event loops of an rpcbench server or client.
package enum BenchEventLoops {
    /// Starts `threads` loops (`defaultCount` when nil) that poll for `busyPoll` before they block;
    /// a failure becomes the one-line error `failure` makes.
    package static func start(
        _ threads: Int?, defaultCount: Int, busyPoll: Duration? = nil, failure: (String) -> BenchError
    ) throws(BenchError) -> EventLoopGroup {
        do {
            return try EventLoopGroup(loopCount: threads ?? defaultCount, busyPoll: busyPoll)
        } catch {
            throw failure("cannot start event loops: \(error)")
        }
    }
}
