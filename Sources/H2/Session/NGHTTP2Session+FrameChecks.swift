import CNGHTTP2

/// What the session does with each inbound frame before nghttp2 parses it: charge unproductive
/// frames to the connection's `FrameBudget`, and answer frames on streams that already closed as
/// RFC 9113 §5.1 says, the same way whether the close happened a moment or a while ago (nghttp2
/// forgets closed streams and would drop such frames without an answer).
extension NGHTTP2Session {
    enum FrameVerdict: Equatable {
        /// Let nghttp2 parse it.
        case pass
        /// Drop it (it was answered here).
        case skip
        /// The answer depends on what nghttp2 makes of the frames before it: feed those, ask again.
        case recheck
        /// Connection error: GOAWAY with this code (and debug data, if any).
        case terminate(H2ErrorCode, String, debugData: String? = nil)
    }

    /// Charges `head` to the budget if it is unproductive; a verdict other than `.pass` when it
    /// is one too many.
    func charge(_ head: InputFramer.FrameHead, at now: UInt64) -> FrameVerdict {
        let unproductive: Bool
        switch head.type {
        case InputFramer.data:
            unproductive = head.length == 0 && head.flags & InputFramer.endStreamFlag == 0
        case InputFramer.headers, InputFramer.goAway:
            unproductive = false
        case InputFramer.settings:
            unproductive = head.flags & InputFramer.ackFlag == 0
        case InputFramer.continuation:
            unproductive = head.length == 0 && head.flags & InputFramer.endHeadersFlag == 0
        case InputFramer.ping:
            unproductive = true
            if head.flags & InputFramer.ackFlag == 0, pingPolicy != nil,
                !pingPolicy!.pingReceived(at: now, hasStreams: !streams.isEmpty)
            {
                return .terminate(
                    .enhanceYourCalm, "PINGs more often than the keepalive policy allows",
                    debugData: PingPolicy.goAwayDebugData)
            }
        default:
            // PRIORITY, RST_STREAM, WINDOW_UPDATE, PUSH_PROMISE and unknown extension frames.
            unproductive = true
        }
        guard unproductive, !frameBudget.charge(at: now) else { return .pass }
        return .terminate(.enhanceYourCalm, "too many frames without progress (type \(head.type))")
    }

    /// The stream-state answer to `head` (server side). `fresh`: nghttp2 has parsed every frame
    /// before this one, so its view of the stream is current.
    func streamStateVerdict(_ head: InputFramer.FrameHead, fresh: Bool) -> FrameVerdict {
        guard role == .server, head.stream > 0, head.stream & 1 == 1 else { return .pass }
        let id = head.stream
        switch head.type {
        case InputFramer.data, InputFramer.headers:
            guard let entry = closedStreams[id] else {
                return !fresh && unfedResets.contains(id) ? .recheck : .pass
            }
            switch entry.ending {
            case .localReset:
                // Sent before the peer read our RST_STREAM: ignored (DATA is still credited to the
                // connection window by nghttp2).
                return .pass
            case .peerReset:
                submitStreamError(id, .streamClosed)
                return .pass
            case .ended:
                return .terminate(
                    .streamClosed, "\(head.type == InputFramer.data ? "DATA" : "HEADERS") on closed stream \(id)")
            }
        case InputFramer.windowUpdate:
            guard let increment = head.increment else { return .pass }
            if var entry = closedStreams[id] {
                switch entry.ending {
                case .localReset:
                    break
                case .peerReset:
                    submitStreamError(id, .streamClosed)
                case .ended:
                    if increment == 0 {
                        submitStreamError(id, .protocolError)
                    } else if entry.sendWindow + Int64(increment) > Int64(Int32.max) {
                        submitStreamError(id, .flowControlError)
                    } else {
                        entry.sendWindow += Int64(increment)
                        closedStreams[id] = entry
                    }
                }
                return .pass
            }
            guard increment == 0 else { return !fresh && unfedResets.contains(id) ? .recheck : .pass }
            guard fresh else { return .recheck }
            guard let ng, nghttp2_session_find_stream(ng, id) != nil else { return .pass }
            // A stream error (RFC 9113 §6.9), where nghttp2 1.52 would end the connection.
            if let stream = stream(id) {
                reset(stream, code: .protocolError)
            } else {
                submitStreamError(id, .protocolError)
            }
            return .skip
        default:
            return .pass
        }
    }

    /// RST_STREAM for a stream nghttp2 has no open stream object for (or one it is resetting).
    private func submitStreamError(_ id: Int32, _ code: H2ErrorCode) {
        guard let ng else { return }
        if nghttp2_submit_rst_stream(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, code.rawValue) != 0 {
            close(.terminate(.internalError, .protocolViolation("RST_STREAM could not be queued")))
        }
    }

    // MARK: - Stream closes, as the callbacks report them

    /// The peer's RST_STREAM for `id` was parsed (its close follows at once).
    func peerResetReceived(stream id: Int32) { peerResetStream = id }

    /// Our RST_STREAM for `id` left (its close follows at once).
    func localResetSent(stream id: Int32) { localResetStream = id }

    /// nghttp2 closes stream `id` now (inside a callback): remember how, and count it out.
    func streamClosing(_ id: Int32, code: UInt32) {
        guard role == .server, id & 1 == 1, let ng else { return }
        openPeerStreams -= 1
        let ending: ClosedStreams.Ending =
            id == peerResetStream ? .peerReset : id == localResetStream || code != 0 ? .localReset : .ended
        closedStreams[id] = .init(
            ending: ending, sendWindow: Int64(nghttp2_session_get_stream_remote_window_size(ng, id)))
    }
}
