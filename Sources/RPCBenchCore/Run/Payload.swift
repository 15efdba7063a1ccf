public import RPCBenchServer
/// Request bodies: a per-worker pattern with each call's sequence number in its first 8 bytes, so that
/// a reply that belongs to another call, or to no call, fails the byte-for-byte check.
public enum Payload {
    public static func make(size: Int, seed: UInt64) -> [UInt8] {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1
        return (0..<size).map { _ in
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    @inline(__always)
    public static func stamp(_ payload: inout [UInt8], sequence: UInt64) {
        let n = min(8, payload.count)
        for i in 0..<n { payload[i] = UInt8(truncatingIfNeeded: sequence >> (8 * UInt64(i))) }
    }

    /// Throws `.peer` naming the first differing byte.
    public static func verify(_ reply: [UInt8], against sent: [UInt8], what: String) throws(BenchError) {
        if reply == sent { return }
        if reply.count != sent.count {
            throw .peer("\(what): \(reply.count) bytes back for \(sent.count) sent")
        }
        let index = sent.indices.first(where: { reply[$0] != sent[$0] }) ?? 0
        throw .peer("\(what): byte \(index) differs (sent \(sent[index]), got \(reply[index]))")
    }
}
