/// The server-wide output budget as one connection takes part in it: the connection charges the
/// shared `ServerOutputBudget` for its queued stream bytes in steps, gives them back as they
/// leave, and holds its writers while the server is over its limit, until the server is back under
/// half of it or this connection's own queue is empty (its peer reads, so it is not what fills the
/// server; each of its writers queues one more message, then waits again).
extension NGHTTP2Session {
    /// Charges the server budget for a stream queue about to hold `total` bytes. True while the
    /// server budget holds this connection's writers.
    func chargeServerBudget(upTo total: Int) -> Bool {
        guard let serverBudget else { return false }
        if total > serverCharged {
            let step = ServerOutputBudget.step
            let amount = (total - serverCharged + step - 1) / step * step
            serverCharged += amount
            if !serverBudget.charge(amount) && !serverOutputFull {
                serverOutputFull = true
                awaitServerDrain(serverBudget)
            }
        }
        return serverOutputFull
    }

    /// Gives back what the connection holds beyond its queue: all of it once the queue is empty
    /// (which also frees its writers), else down to the next step once it holds two steps more.
    func creditServerBudget() {
        guard let serverBudget else { return }
        let step = ServerOutputBudget.step
        if queuedStreamBytes == 0 {
            if serverCharged > 0 {
                serverBudget.credit(serverCharged)
                serverCharged = 0
            }
            if serverOutputFull {
                serverOutputFull = false
                if !connectionOutputFull { releaseWriters() }
            }
        } else if serverCharged - queuedStreamBytes >= 2 * step {
            let keep = (queuedStreamBytes + step - 1) / step * step
            serverBudget.credit(serverCharged - keep)
            serverCharged = keep
        }
    }

    /// The server went back under half its budget (the wake-up registered by `awaitServerDrain`).
    func serverBudgetDrained() {
        serverDrainAwaited = false
        guard serverOutputFull, state != .closed else { return }
        serverOutputFull = false
        if !connectionOutputFull { releaseWriters() }
    }

    private func awaitServerDrain(_ budget: ServerOutputBudget) {
        guard !serverDrainAwaited, let connection else { return }
        let loop = self.loop
        serverDrainAwaited = budget.waitForDrain {
            loop.execute { connection.session.serverBudgetDrained() }
        }
        // Other connections gave back enough in the meantime.
        if !serverDrainAwaited { serverOutputFull = false }
    }
}
