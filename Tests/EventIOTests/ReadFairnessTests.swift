import EventIO
import Glibc
import Testing
import TestSupport

/// The per-turn read bound (`TCPConnection.maxReadPerTurn`): a connection with a flood of input
/// waiting is read in bounded pieces, one per loop turn, so the other connections of its loop are
/// served in between; nothing is lost.
@Suite struct ReadFairnessTests {
    /// Records every read of the server's connections as (connection, bytes), in loop order.
    final class ReadLog: Sendable {
        let reads = WaitableState<[(connection: Int, count: Int)]>([])
        let accepted = WaitableState<[TCPConnection]>([])
    }

    final class Recorder: TCPConnectionDelegate {
        let log: ReadLog
        let index: Int
        init(_ log: ReadLog, index: Int) {
            self.log = log
            self.index = index
        }
        func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
            let count = bytes.count
            log.reads.update { $0.append((index, count)) }
        }
        func connectionClosed(_ connection: TCPConnection, error: IOError?) {}
    }

    func temporaryDirectory() throws -> String {
        var template = Array("/tmp/eventio-fair-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw IOError(.system(errno: errno), operation: "mkdtemp") }
        return String(cString: made)
    }

    @Test func floodedConnectionYieldsToItsNeighbourAfterEachBoundedRead() async throws {
        let bound = 16 << 10
        let serverGroup = try EventLoopGroup(loopCount: 1)
        defer { serverGroup.shutdown() }
        let clientGroup = try EventLoopGroup(loopCount: 1)
        defer { clientGroup.shutdown() }
        let log = ReadLog()
        // A Unix socket: a write that returns has put its bytes in the server's receive queue, so
        // both connections have their input waiting when the server starts reading.
        let path = try temporaryDirectory() + "/fair.sock"
        let listener = try TCPListener.bind(to: SocketAddress(unixPath: path), group: serverGroup) { connection in
            let index = log.accepted.withLock { $0.count }
            connection.maxReadPerTurn = bound
            connection.start(delegate: Recorder(log, index: index))
            connection.pauseReading()
            log.accepted.update { $0.append(connection) }
        }
        let flooder = try await connectCollector(to: listener.localAddress, on: clientGroup.loops[0]).0
        try await withTimeout(10, "first accept") { try await log.accepted.wait { $0.count == 1 ? () : nil } }
        let neighbour = try await connectCollector(to: listener.localAddress, on: clientGroup.loops[0]).0
        try await withTimeout(10, "second accept") { try await log.accepted.wait { $0.count == 2 ? () : nil } }

        let flood = patternBytes(8 * bound, seed: 11)
        let unsent = await clientGroup.loops[0].submit {
            flooder.write(flood)
            flooder.flush()
            neighbour.write(Array("hello".utf8))
            neighbour.flush()
            return flooder.pendingWriteBytes + neighbour.pendingWriteBytes
        }
        try #require(unsent == 0)
        let connections = log.accepted.withLock { $0 }
        await serverGroup.loops[0].submit {
            for connection in connections { connection.resumeReading() }
        }
        try await withTimeout(10, "all input read") {
            try await log.reads.wait { reads in reads.reduce(0) { $0 + $1.count } == flood.count + 5 ? () : nil }
        }
        let reads = log.reads.withLock { $0 }
        let floodReads = reads.filter { $0.connection == 0 }.map(\.count)
        #expect(floodReads.allSatisfy { $0 <= bound }, "reads of the flooded connection: \(floodReads)")
        #expect(floodReads.count >= 8)
        // The neighbour is served in the first turn, after at most one bounded read of the flood.
        let neighbourAt = try #require(reads.firstIndex { $0.connection == 1 })
        #expect(neighbourAt <= 1, "reads: \(reads)")
        await clientGroup.loops[0].submit {
            flooder.close()
            neighbour.close()
        }
        await listener.close()
    }

    @Test func boundedReadsEchoALargeStreamByteExact() async throws {
        let group = try EventLoopGroup(loopCount: 2)
        defer { group.shutdown() }
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { connection in
            connection.maxReadPerTurn = 5000  // not a divisor of anything the kernel hands over
            connection.start(delegate: EchoDelegate())
        }
        let (client, collector) = try await connectCollector(to: listener.localAddress, on: group.loops[0])
        let payload = patternBytes(8 << 20, seed: 12)
        client.loop.execute { client.write(payload) }
        try await withTimeout(60, "8 MiB echo through 5,000-byte reads") {
            try await collector.waitForBytes(payload.count)
        }
        #expect(collector.bytes == payload)
        await client.loop.submit { client.close() }
        await listener.close()
    }
}
