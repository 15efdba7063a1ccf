import Testing
@testable import H2RPC

@Suite struct MessageDeframerTests {
    static func frame(_ body: [UInt8], flag: UInt8 = 0) -> [UInt8] {
        let n = body.count
        return [flag, UInt8(n >> 24 & 0xFF), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + body
    }

    @Test func emptyMessageIsFiveZeroBytes() throws {
        var d = MessageDeframer(maxMessageSize: 100)
        d.append([0, 0, 0, 0, 0])
        #expect(try d.next() == ReceivedMessage(compressed: false, bytes: []))
        #expect(try d.next() == nil)
        try d.finish()
    }

    @Test func reassemblesAcrossEveryChunkBoundary() throws {
        let stream = Self.frame([1, 2, 3]) + Self.frame(Array(repeating: 9, count: 300), flag: 1) + Self.frame([])
        for split in 0...stream.count {
            var d = MessageDeframer(maxMessageSize: 1000)
            var got: [ReceivedMessage] = []
            d.append(stream[..<split])
            while let m = try d.next() { got.append(m) }
            d.append(stream[split...])
            while let m = try d.next() { got.append(m) }
            try d.finish()
            #expect(got.count == 3)
            #expect(got[0].bytes == [1, 2, 3])
            #expect(got[1] == ReceivedMessage(compressed: true, bytes: Array(repeating: 9, count: 300)))
            #expect(got[2].bytes.isEmpty)
        }
    }

    @Test func oneByteAtATime() throws {
        let stream = Self.frame([7, 7]) + Self.frame([8])
        var d = MessageDeframer(maxMessageSize: 10)
        var got: [[UInt8]] = []
        for b in stream {
            d.append([b])
            while let m = try d.next() { got.append(m.bytes) }
        }
        #expect(got == [[7, 7], [8]])
    }

    @Test func lengthOverLimitFailsBeforeBodyArrives() {
        var d = MessageDeframer(maxMessageSize: 4 * 1024 * 1024)
        d.append([0, 0, 0x40, 0, 1])  // 4 MiB + 1 announced, no body yet
        #expect(throws: DeframeError.messageTooLarge(size: 4_194_305, limit: 4_194_304)) { try d.next() }
        #expect(DeframeError.messageTooLarge(size: 5, limit: 4).status.code == .resourceExhausted)
    }

    @Test func invalidFlagIsInternalWithOffset() {
        var d = MessageDeframer(maxMessageSize: 10)
        d.append(Self.frame([1]) + [2, 0, 0, 0, 0])
        #expect(throws: Never.self) { _ = try d.next() }
        #expect(throws: DeframeError.invalidFlag(2, offset: 6)) { try d.next() }
        #expect(DeframeError.invalidFlag(2, offset: 6).status.code == .internal)
    }

    @Test func truncatedFrameAtEndOfStream() throws {
        var d = MessageDeframer(maxMessageSize: 100)
        d.append([0, 0, 0])  // partial prefix
        #expect(try d.next() == nil)
        #expect(throws: DeframeError.truncated(have: 3, need: 5, offset: 0)) { try d.finish() }

        var e = MessageDeframer(maxMessageSize: 100)
        e.append([0, 0, 0, 0, 10, 1, 2])  // length prefix larger than the body that came
        #expect(try e.next() == nil)
        #expect(throws: DeframeError.truncated(have: 7, need: 15, offset: 0)) { try e.finish() }
    }

    /// `receive` (what the streams use) takes whole messages straight from the chunk and buffers
    /// only partial ones: every split of three messages into up to three chunks yields them in order.
    @Test func receiveDeliversTheSameMessagesForEverySplit() throws {
        let stream = Self.frame([1, 2, 3]) + Self.frame(Array(repeating: 9, count: 300), flag: 1) + Self.frame([])
        for first in 0...stream.count {
            for second in stride(from: first, through: stream.count, by: 7) {
                var d = MessageDeframer(maxMessageSize: 1000)
                var got: [ReceivedMessage] = []
                for chunk in [stream[..<first], stream[first..<second], stream[second...]] {
                    try Array(chunk).withUnsafeBytes { try d.receive($0) { got.append($0) } }
                }
                try d.finish()
                #expect(got.count == 3)
                #expect(got[0].bytes == [1, 2, 3])
                #expect(got[1] == ReceivedMessage(compressed: true, bytes: Array(repeating: 9, count: 300)))
                #expect(got[2].bytes.isEmpty)
                #expect(d.bufferedByteCount == 0)
            }
        }
    }

    @Test func receiveReportsBadInputAtItsStreamOffset() throws {
        var d = MessageDeframer(maxMessageSize: 10)
        var got: [[UInt8]] = []
        // One whole message, then an empty one and a bad flag at stream byte 6 + 5 = 11 in the next chunk.
        try Self.frame([1]).withUnsafeBytes { try d.receive($0) { got.append($0.bytes) } }
        #expect(throws: DeframeError.invalidFlag(2, offset: 11)) {
            try (Self.frame([]) + [2, 0, 0, 0, 0]).withUnsafeBytes { try d.receive($0) { got.append($0.bytes) } }
        }
        #expect(got == [[1], []])
        var e = MessageDeframer(maxMessageSize: 10)
        #expect(throws: DeframeError.messageTooLarge(size: 11, limit: 10)) {
            try Self.frame(Array(repeating: 0, count: 11)).withUnsafeBytes { try e.receive($0) { _ in } }
        }
        var f = MessageDeframer(maxMessageSize: 10)
        try ([0, 0, 0, 0, 4, 1] as [UInt8]).withUnsafeBytes { try f.receive($0) { _ in } }
        #expect(throws: DeframeError.truncated(have: 6, need: 9, offset: 0)) { try f.finish() }
    }

    /// A message whose body spans chunks is assembled in an array of its own; what follows it is
    /// still found, and bad input after it is reported at its stream offset.
    @Test func receiveAssemblesASpanningBodyAndKeepsOffsets() throws {
        let body = (0..<300).map { UInt8(truncatingIfNeeded: $0) }
        let stream = Self.frame(body) + Self.frame([5]) + [7, 0, 0, 0, 0]
        for split in [1, 4, 5, 6, 100, 304] {
            var d = MessageDeframer(maxMessageSize: 1000)
            var got: [[UInt8]] = []
            try Array(stream[..<split]).withUnsafeBytes { try d.receive($0) { got.append($0.bytes) } }
            #expect(got.isEmpty)
            #expect(throws: DeframeError.invalidFlag(7, offset: 311)) {
                try Array(stream[split...]).withUnsafeBytes { try d.receive($0) { got.append($0.bytes) } }
            }
            #expect(got == [body, [5]])
        }
        var e = MessageDeframer(maxMessageSize: 1000)
        try Array(Self.frame(body)[..<200]).withUnsafeBytes { try e.receive($0) { _ in } }
        #expect(e.bufferedByteCount == 200)
        #expect(throws: DeframeError.truncated(have: 200, need: 305, offset: 0)) { try e.finish() }
    }

    @Test func framerWritesPrefixIntoHeadroom() throws {
        let framed = try MessageFramer.frame(
            serializedWithHeadroom: [0, 0, 0, 0, 0, 0xAA, 0xBB], compression: .identity, maxSize: 10)
        #expect(framed == [0, 0, 0, 0, 2, 0xAA, 0xBB])
        #expect(throws: RPCError.self) {
            try MessageFramer.frame(
                serializedWithHeadroom: [0, 0, 0, 0, 0, 1, 2, 3], compression: .identity, maxSize: 2)
        }
    }

    @Test func framerCompressesWhenSmallerAndDeframerRoundTrips() throws {
        let body = [UInt8](repeating: 0, count: 10_000)
        let framed = try MessageFramer.frame(
            serializedWithHeadroom: [0, 0, 0, 0, 0] + body, compression: .gzip, maxSize: 1 << 20)
        #expect(framed[0] == 1)
        #expect(framed.count < 200)
        var d = MessageDeframer(maxMessageSize: 1 << 20)
        d.append(framed)
        let m = try #require(try d.next())
        #expect(m.compressed)
        #expect(try Zlib.decompress(m.bytes, format: .gzip, limit: 1 << 20) == body)
    }
}
