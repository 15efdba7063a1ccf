import H2

/// H2's stream is what H2RPC calls run on.
extension H2Stream: RPCStreamIO {
    func sendHeaders(_ headers: [HeaderField], endStream: Bool) {
        sendHeaders(H2Headers(headers), endStream: endStream)
    }

    func sendTrailers(_ headers: [HeaderField]) {
        sendTrailers(H2Headers(headers))
    }

    var bufferedOutboundBytes: Int { queuedOutboundBytes }
}
