import CNGHTTP2
import EventIO

/// PINGs and the periodic check of the connection's timeouts (what to do is `Liveness`'s decision).
extension NGHTTP2Session {
    // MARK: - PING and the periodic check

    func ping(_ completion: @escaping (Duration?) -> Void) {
        sendPing(keepAlive: false, completion)
    }

    private func sendPing(keepAlive: Bool, _ completion: @escaping (Duration?) -> Void) {
        guard state != .closed, let ng else {
            completion(nil)
            return
        }
        var opaque = liveness.pingSent(at: loop.monotonicNanoseconds(), keepAlive: keepAlive, completion)
        let result = withUnsafeBytes(of: &opaque) { raw in
            nghttp2_submit_ping(
                ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
        }
        if result != 0 {
            close(.terminate(.internalError, .protocolViolation("PING could not be queued")))
            return
        }
        scheduleFlush()
    }

    func scheduleTick() {
        tickTimer?.cancel()
        tickTimer = loop.schedule(after: liveness.checkPeriod(goingAway: state != .open)) { self.tick() }
    }

    private func tick() {
        guard state != .closed else { return }
        var oldestHead: UInt64 = 0
        for (_, stream) in streams where stream.headStartedAt != 0 {
            if oldestHead == 0 || stream.headStartedAt < oldestHead { oldestHead = stream.headStartedAt }
        }
        liveness.observeOutput(pending: transport.pendingWriteBytes, at: loop.monotonicNanoseconds())
        let action = liveness.check(
            now: loop.monotonicNanoseconds(), isServer: role == .server, hasStreams: !streams.isEmpty,
            oldestHeadStartedAt: oldestHead, goingAway: state != .open)
        switch action {
        case .none: break
        case .sendKeepAlivePing: sendPing(keepAlive: true) { _ in }
        case .retire:
            shutdownGracefully(timeout: configuration.maxConnectionAgeGrace)
            return
        case .close(let error):
            close(.terminate(.noError, error))
            return
        case .abort(let error):
            close(.outputFailed(error))
            return
        }
        scheduleTick()
    }

}
