import H2

/// ServerStream receives its stream's events from H2 (loop thread).
extension ServerStream: H2StreamDelegate {
    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        bytes.withUnsafeBytes { receivedData($0) }
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        receivedEnd()
    }

    func streamWritabilityChanged(_ stream: H2Stream) {
        outboundDrained()
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        switch error {
        case nil:
            streamClosed()
        case .streamReset(let code)?:
            receivedReset(code: code)
        case .some:
            // The connection went away under the call: for the server that is a cancellation (spec §9).
            receivedReset(code: .cancel)
        }
    }
}

/// ClientStream receives its stream's events from H2 (loop thread).
extension ClientStream: H2StreamDelegate {
    func stream(_ stream: H2Stream, didReceiveHead head: H2Headers) {
        receivedHead(head.fields)
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        bytes.withUnsafeBytes { receivedData($0) }
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        receivedEnd(trailers: trailers?.fields)
    }

    func streamWritabilityChanged(_ stream: H2Stream) {
        outboundDrained()
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        switch error {
        case nil: closed(resetCode: nil, reason: nil)
        case .streamReset(let code)?: closed(resetCode: code, reason: nil)
        case .some(let other): closed(resetCode: nil, reason: other.description)
        }
    }
}
