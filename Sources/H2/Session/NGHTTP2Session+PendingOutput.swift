import CNGHTTP2

extension NGHTTP2Session {
    /// True while frames wait in nghttp2 or bytes wait in the socket's queue: output of this loop turn
    /// that has not reached the kernel. Tests check that a submitted request leaves in the turn that
    /// submitted it (a missed flush would leave it waiting for the next read or timer).
    var hasPendingOutput: Bool {
        guard let ng, state != .closed else { return false }
        return nghttp2_session_want_write(ng) != 0 || transport.pendingWriteBytes > 0
    }
}
