package import EventIO

/// The event loops of an rpcbench server or client.
package enum BenchEventLoops {
    /// Starts `threads` loops (`defaultCount` when nil); a failure becomes the one-line error `failure` makes.
    package static func start(
        _ threads: Int?, defaultCount: Int, failure: (String) -> BenchError
    ) throws(BenchError) -> EventLoopGroup {
        do {
            return try EventLoopGroup(loopCount: threads ?? defaultCount)
        } catch {
            throw failure("cannot start event loops: \(error)")
        }
    }
}
