@testable import H2TLS
import TestSupport
import Testing

/// The engine's ciphertext path: full records sealed as they fill, output handed over as an owned
/// array, received ciphertext lent in pieces of any size.
@Suite struct CiphertextPathTests {
    let pki: TestPKI

    init() async throws { pki = try await TestPKI.shared() }

    func established(_ version: TLSVersion = .v1_3) throws -> Pump {
        var client = TLSClientConfiguration(trustRoots: pki.caRoots)
        client.maximumVersion = version
        let serverContext = try TLSServerContext(pki.serverConfiguration())
        let clientContext = try TLSClientContext(client)
        var pump = Pump(
            client: try clientContext.makeEngine(serverName: "localhost"), server: try serverContext.makeEngine())
        try pump.handshake()
        try #require(pump.client.state == .established && pump.server.state == .established)
        return pump
    }

    /// The record lengths of `ciphertext`, from the 5-byte record headers (RFC 8446 §5.1: type,
    /// legacy version, 16-bit length), checking that every record is application data.
    func recordLengths(_ ciphertext: [UInt8]) -> [Int]? {
        var lengths: [Int] = []
        var index = 0
        while index < ciphertext.count {
            guard index + 5 <= ciphertext.count, ciphertext[index] == 23 else { return nil }
            let length = Int(ciphertext[index + 3]) << 8 | Int(ciphertext[index + 4])
            lengths.append(length)
            index += 5 + length
        }
        return index == ciphertext.count ? lengths : nil
    }

    @Test(arguments: [TLSVersion.v1_2, .v1_3])
    func largeWritesAreSealedIntoFullRecordsAtOnce(version: TLSVersion) throws {
        let pump = try established(version)
        let header = patternBytes(9, seed: 1)
        let payload = patternBytes(40_000, seed: 2)
        pump.server.write(header)
        #expect(pump.server.stagedPlaintextBytes == 9)
        pump.server.write(payload)
        // Two full 16 KiB records are sealed already; the remaining 7,241 bytes wait for the flush.
        #expect(pump.server.stagedPlaintextBytes == 40_009 - 2 * 16_384)
        #expect(pump.server.bufferedBytes > 40_009)
        let ciphertext = try #require(try pump.server.takeOutput())
        let lengths = try #require(recordLengths(ciphertext))
        #expect(lengths.count == 3)
        // A record carries 16,384 plaintext bytes plus at most 24 bytes of nonce, type and tag.
        #expect(lengths.prefix(2).allSatisfy { $0 > 16_384 && $0 <= 16_384 + 24 })
        #expect(lengths.last.map { $0 > 7_241 && $0 <= 7_241 + 24 } == true)
        #expect(pump.server.bufferedBytes == 0)
        pump.client.receive(ciphertext.span)
        #expect(try Pump.readAll(pump.client).bytes == header + payload)
    }

    @Test func takeOutputHandsEachCiphertextOnce() throws {
        let pump = try established()
        pump.client.write(Array("ping".utf8))
        #expect(pump.client.hasPendingOutput)
        let first = try #require(try pump.client.takeOutput())
        #expect(recordLengths(first)?.count == 1)
        #expect(!pump.client.hasPendingOutput)
        #expect(try pump.client.takeOutput() == nil)
        // The next output starts empty, even when the array handed over is still held.
        pump.client.write(Array("pong".utf8))
        let second = try #require(try pump.client.takeOutput())
        #expect(recordLengths(second)?.count == 1)
        pump.server.receive(first.span)
        pump.server.receive(second.span)
        #expect(try Pump.readAll(pump.server).bytes == Array("pingpong".utf8))
    }

    @Test func ciphertextLentInPiecesOfAnySizeIsReadExactly() throws {
        let pump = try established()
        let sent = patternBytes(100_003, seed: 3)
        pump.server.write(sent)
        let ciphertext = try #require(try pump.server.takeOutput())
        // Cuts inside headers, tags and bodies, and pieces spanning several records.
        let sizes = [1, 2, 3, 4, 1, 5, 17, 1_000, 16_389, 7, 40_000, 3]
        var received: [UInt8] = []
        var offset = 0
        var turn = 0
        while offset < ciphertext.count {
            let end = min(ciphertext.count, offset + sizes[turn % sizes.count])
            let piece = Array(ciphertext[offset..<end])
            let outcome = try pump.client.receiving(piece.span) { () throws(TLSError) -> TLSEngine.ReadOutcome in
                try pump.client.read { span in span.withUnsafeBufferPointer { received.append(contentsOf: $0) } }
            }
            #expect(outcome == .needsMoreData)
            offset = end
            turn += 1
        }
        #expect(received == sent)
    }

    @Test func copiedAndLentCiphertextKeepTheirOrder() throws {
        let pump = try established()
        let sent = patternBytes(50_000, seed: 4)
        pump.server.write(sent)
        let ciphertext = try #require(try pump.server.takeOutput())
        // A copied piece, then a lent one, then a copied one: read in arrival order.
        pump.client.receive(Array(ciphertext[0..<10_000]).span)
        var received: [UInt8] = []
        try pump.client.receiving(Array(ciphertext[10_000..<30_000]).span) { () throws(TLSError) in
            _ = try pump.client.read { span in span.withUnsafeBufferPointer { received.append(contentsOf: $0) } }
        }
        pump.client.receive(Array(ciphertext[30_000...]).span)
        received += try Pump.readAll(pump.client).bytes
        #expect(received == sent)
    }

    @Test func bytesReceivedWhileOthersAreLentGoAfterThem() throws {
        let pump = try established()
        let sent = patternBytes(40_000, seed: 5)
        pump.server.write(sent)
        let ciphertext = try #require(try pump.server.takeOutput())
        var received: [UInt8] = []
        // A piece ending inside a record is lent; the rest arrives (copied) before it is read.
        try pump.client.receiving(Array(ciphertext[0..<20_000]).span) { () throws(TLSError) in
            pump.client.receive(Array(ciphertext[20_000...]).span)
            _ = try pump.client.read { span in span.withUnsafeBufferPointer { received.append(contentsOf: $0) } }
        }
        #expect(received == sent)
    }
}
