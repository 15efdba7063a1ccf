import TestSupport
import EventIO
@testable import H2
import Testing

/// Frames submitted in a loop turn reach the kernel at the end of that turn: none waits for the next
/// read event or a timer (a missed flush shows as idle CPUs and multi-millisecond stalls under load).
/// The check runs in a zero-delay timer, which the loop fires only after the turn's end-of-turn flush.
@Suite struct OutputFlushTests {
    @Test func requestsSubmittedInOneTurnLeaveInThatTurn() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let listener = try startLoopServer(group)
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        try await echoOnce(connection, port: port)

        let recorders = (0..<16).map { _ in StreamRecorder() }
        let bodies = (0..<16).map { patternBytes(16, seed: UInt32($0 + 1)) }
        let pending = WaitableState<(submitted: Bool?, nextTurn: Bool?)>((nil, nil))
        try await connection.loop.submit {
            for index in 0..<16 {
                let stream = try connection.openStream(
                    requestHead("/f/\(index)", port: port), delegate: recorders[index])
                stream.sendData(bodies[index], endStream: true)
            }
            let submitted = connection.hasPendingOutput
            connection.loop.schedule(after: .zero) {
                let nextTurn = connection.hasPendingOutput
                pending.update { $0 = (submitted, nextTurn) }
            }
        }
        try await withTimeout(10, "the zero-delay timer") {
            try await pending.wait { $0.nextTurn == nil ? nil : () }
        }
        // Not vacuous: the frames were queued when the turn was still running.
        #expect(pending.value.submitted == true)
        #expect(pending.value.nextTurn == false, "requests submitted in a turn were still queued in the next one")
        for (index, recorder) in recorders.enumerated() {
            try await withTimeout(10, "stream \(index)") { try await recorder.waitForClose() }
            #expect(recorder.record.data == bodies[index], "stream \(index)")
            #expect(recorder.record.error == nil)
        }
        connection.close()
        await listener.close()
    }

    /// The rpcbench path: a task on the loop's executor awaits each response, then opens the next
    /// stream from the job that the response's continuation resumed.
    @Test func requestFromAResumedLoopTaskLeavesInThatTurn() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let listener = try startLoopServer(group)
        let port = listener.localAddress.port
        let connection = try await H2Connection.connect(to: listener.localAddress, on: group.loops[0])
        try await echoOnce(connection, port: port)

        let loop = connection.loop
        let observations = WaitableState<[(submitted: Bool, nextTurn: Bool?)]>([])
        let echoed = WaitableState<Int?>(nil)
        // Unstructured, so that a hung chain cannot hang the test: the wait below times out, and the
        // connection's close fails the stream the chain waits on.
        Task(executorPreference: loop.taskExecutor) {
            var count = 0
            for round in 0..<8 {
                let body = patternBytes(16, seed: UInt32(round + 1))
                guard
                    let reply = try? await withUnsafeThrowingContinuation({
                        (continuation: UnsafeContinuation<[UInt8], any Error>) in
                        // The task runs on the loop thread: submit and observe as the bench driver does.
                        let delegate = ReplyCollector(continuation)
                        do {
                            let stream = try connection.openStream(
                                requestHead("/r/\(round)", port: port), delegate: delegate)
                            stream.sendData(body, endStream: true)
                        } catch {
                            delegate.fail(error)
                            return
                        }
                        let index = observations.update { list in
                            list.append((connection.hasPendingOutput, nil))
                            return list.count - 1
                        }
                        loop.schedule(after: .zero) {
                            let nextTurn = connection.hasPendingOutput
                            observations.update { $0[index].nextTurn = nextTurn }
                        }
                    })
                else { break }
                if reply == body { count += 1 }
            }
            echoed.update { $0 = count }
        }
        defer { connection.close() }
        try await withTimeout(10, "eight chained echoes") {
            try await echoed.wait { $0 == nil ? nil : () }
        }
        #expect(echoed.value == 8)
        try await withTimeout(10, "the last zero-delay timer") {
            try await observations.wait { $0.contains(where: { $0.nextTurn == nil }) ? nil : () }
        }
        let seen = observations.value
        #expect(seen.count == 8)
        #expect(seen.allSatisfy { $0.submitted }, "a submitted request was not queued at all")
        #expect(seen.allSatisfy { $0.nextTurn == false }, "a request stayed queued past its turn: \(seen)")
        await listener.close()
    }

    private func echoOnce(_ connection: H2Connection, port: Int) async throws {
        let recorder = StreamRecorder()
        _ = try await connection.loop.submit {
            let stream = try connection.openStream(requestHead(port: port), delegate: recorder)
            stream.sendData([1, 2, 3], endStream: true)
            return stream.id
        }
        try await withTimeout(10, "warm-up echo") { try await recorder.waitForClose() }
    }
}

/// Collects one echoed body and resumes the waiting task at the end of the stream.
private final class ReplyCollector: H2StreamDelegate {
    private var continuation: UnsafeContinuation<[UInt8], any Error>?
    private var body: [UInt8] = []

    init(_ continuation: UnsafeContinuation<[UInt8], any Error>) { self.continuation = continuation }

    func fail(_ error: any Error) {
        continuation?.resume(throwing: error)
        continuation = nil
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        bytes.withUnsafeBufferPointer { body.append(contentsOf: $0) }
        stream.consume(bytes.count)
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        continuation?.resume(returning: body)
        continuation = nil
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        fail(error ?? H2Error.connectionClosed("closed before the end"))
    }
}
