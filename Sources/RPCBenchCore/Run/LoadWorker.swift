import RPCBenchServer
/// One call slot of a scenario: a loop that keeps one call in flight until the run stops.
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
            while !control.isStopped {
                sequence &+= 1
                Payload.stamp(&payload, sequence: sequence)
                let sent = await pacer?.wait(tickets: stats) ?? MonotonicClock.nanoseconds()
                let reply = try await connection.unary(payload)
                let done = MonotonicClock.nanoseconds()
                try Payload.verify(reply, against: payload, what: "unary echo")
                control.completed()
                if control.isMeasuring { stats.record(latencyNanoseconds: done &- sent, bytes: reply.count) }
            }
        case .pingpong:
            let stream = try await connection.openPingPong()
            var payload = Payload.make(size: scenario.payloadSize, seed: seed)
            var sequence: UInt64 = 0
            do {
                while !control.isStopped {
                    sequence &+= 1
                    Payload.stamp(&payload, sequence: sequence)
                    let sent = await pacer?.wait(tickets: stats) ?? MonotonicClock.nanoseconds()
                    let reply = try await stream.exchange(payload)
                    let done = MonotonicClock.nanoseconds()
                    try Payload.verify(reply, against: payload, what: "ping-pong echo")
                    control.completed()
                    if control.isMeasuring { stats.record(latencyNanoseconds: done &- sent, bytes: reply.count) }
                }
            } catch {
                await stream.close()
                throw error
            }
            await stream.close()
        case .download:
            let size = scenario.payloadSize
            while !control.isStopped {
                var last = MonotonicClock.nanoseconds()
                var wrongSize: Int? = nil
                try await connection.download(messageSize: size, count: plan.downloadCount) { received in
                    let now = MonotonicClock.nanoseconds()
                    if received != size { wrongSize = received }
                    control.completed()
                    if control.isMeasuring { stats.record(latencyNanoseconds: now &- last, bytes: received) }
                    last = now
                }
                if let wrongSize {
                    throw .peer("download: a message of \(wrongSize) bytes, asked for \(size)")
                }
            }
        }
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
