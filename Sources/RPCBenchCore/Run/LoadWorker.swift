import RPCBenchServer
/// One call slot of a scenario: a loop that keeps one call in flight until the run stops (or, with a
/// budget of calls, until the budget is spent). A call that fails with a status is counted and the
/// loop goes on; anything else (a wrong echo, a broken protocol) stops the run.
enum LoadWorker {
    static func run(
        plan: LoadPlan, connection: any BenchConnection, connections: Int, stats: ConnectionStats,
        control: RunControl, seed: UInt64, start: UInt64
    ) async throws(BenchError) {
        let scenario = plan.scenario
        let pacer = plan.rate.map { OpenLoopPacer(rate: $0 / Double(connections), start: start) }
        switch scenario.kind {
        case .unary:
            var payload = Payload.make(size: scenario.payloadSize, seed: seed)
            var sequence: UInt64 = 0
            while true {
                let ticket = control.claim()
                if ticket == .none { break }
                sequence &+= 1
                Payload.stamp(&payload, sequence: sequence)
                let sent = await pacer?.wait(tickets: stats) ?? MonotonicClock.nanoseconds()
                let reply: [UInt8]
                do throws(BenchError) {
                    reply = try await connection.unary(payload)
                } catch {
                    try await count(error, ticket: ticket, stats: stats, control: control)
                    continue
                }
                let done = MonotonicClock.nanoseconds()
                try Payload.verify(reply, against: payload, what: "unary echo")
                control.completed()
                if control.counts(ticket) { stats.record(latencyNanoseconds: done &- sent, bytes: reply.count) }
                control.callOver(ticket)
            }
        case .pingpong:
            var payload = Payload.make(size: scenario.payloadSize, seed: seed)
            var sequence: UInt64 = 0
            // Opened at the first exchange, and again after a failed one (a failed call ends its stream).
            var stream: (any PingPongStream)? = nil
            do throws(BenchError) {
                while true {
                    let ticket = control.claim()
                    if ticket == .none { break }
                    sequence &+= 1
                    Payload.stamp(&payload, sequence: sequence)
                    let sent = await pacer?.wait(tickets: stats) ?? MonotonicClock.nanoseconds()
                    let reply: [UInt8]
                    do throws(BenchError) {
                        let open: any PingPongStream
                        if let stream {
                            open = stream
                        } else {
                            open = try await connection.openPingPong()
                            stream = open
                        }
                        reply = try await open.exchange(payload)
                    } catch {
                        if let broken = stream {
                            stream = nil
                            await broken.close()
                        }
                        try await count(error, ticket: ticket, stats: stats, control: control)
                        continue
                    }
                    let done = MonotonicClock.nanoseconds()
                    try Payload.verify(reply, against: payload, what: "ping-pong echo")
                    control.completed()
                    if control.counts(ticket) { stats.record(latencyNanoseconds: done &- sent, bytes: reply.count) }
                    control.callOver(ticket)
                }
            } catch {
                await stream?.close()
                throw error
            }
            await stream?.close()
        case .download:
            let size = scenario.payloadSize
            while true {
                let ticket = control.claim()
                if ticket == .none { break }
                var last = MonotonicClock.nanoseconds()
                var wrongSize: Int? = nil
                do throws(BenchError) {
                    try await connection.download(messageSize: size, count: plan.downloadCount) { received in
                        let now = MonotonicClock.nanoseconds()
                        if received != size { wrongSize = received }
                        control.completed()
                        if control.counts(ticket) { stats.record(latencyNanoseconds: now &- last, bytes: received) }
                        last = now
                    }
                } catch {
                    try await count(error, ticket: ticket, stats: stats, control: control)
                    continue
                }
                if let wrongSize {
                    throw .peer("download: a message of \(wrongSize) bytes, asked for \(size)")
                }
                control.callOver(ticket)
            }
        }
    }

    /// Counts a call that failed with a status (under its status, when the call is measured);
    /// rethrows any other error, which stops the run. Yields: a channel in TRANSIENT_FAILURE fails
    /// calls without suspending, and the loop must not keep the thread from everything else.
    private static func count(
        _ error: BenchError, ticket: RunControl.Ticket, stats: ConnectionStats, control: RunControl
    ) async throws(BenchError) {
        guard case .call(let status, _) = error else { throw error }
        control.failed(error)
        if control.counts(ticket) { stats.recordError(status: status) }
        control.callOver(ticket)
        await Task.yield()
    }
}

/// Hands out intended send times at a fixed rate; every worker of a connection draws from one sequence.
struct OpenLoopPacer {
    let intervalNanoseconds: Double
    let start: UInt64

    init(rate: Double, start: UInt64) {
        intervalNanoseconds = 1e9 / rate
        self.start = start
    }

    /// Takes the next ticket, sleeps until its time if it is still ahead, and returns the intended time.
    /// A ticket already past is sent at once, and its lateness counts into the call's latency.
    func wait(tickets: ConnectionStats) async -> UInt64 {
        let ticket = tickets.tickets.add(1, ordering: .relaxed).oldValue
        let intended = start &+ UInt64(Double(ticket) * intervalNanoseconds)
        let now = MonotonicClock.nanoseconds()
        if intended > now {
            try? await Task.sleep(for: .nanoseconds(Int(intended - now)))
            // Only calls that slept: a call sent late because all slots were busy is queueing, not timer lag.
            tickets.recordSendLag(nanoseconds: MonotonicClock.nanoseconds() &- intended)
        }
        return intended
    }
}
