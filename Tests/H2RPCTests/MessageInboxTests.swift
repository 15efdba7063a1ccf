import Testing
@testable import H2RPC

@Suite struct MessageInboxTests {
    @Test func buffersThenEndsCleanly() async throws {
        let inbox = MessageInbox<Int>()
        inbox.push(1)
        inbox.push(2)
        inbox.finish()
        inbox.push(3)  // ignored after finish
        #expect(try await inbox.next() == 1)
        #expect(try await inbox.next() == 2)
        #expect(try await inbox.next() == nil)
    }

    @Test func errorComesAfterBufferedElements() async throws {
        let inbox = MessageInbox<Int>()
        inbox.push(1)
        inbox.finish(RPCError(code: .cancelled, message: "x"))
        #expect(try await inbox.next() == 1)
        await #expect(throws: RPCError(code: .cancelled, message: "x")) { try await inbox.next() }
    }

    /// The first element waits in a slot of its own; later ones in the buffer. Order holds however
    /// pushes and takes interleave.
    @Test func keepsOrderAcrossTheSingleSlotAndTheBuffer() async throws {
        let inbox = MessageInbox<Int>()
        inbox.push(1)
        inbox.push(2)
        inbox.push(3)
        #expect(try await inbox.next() == 1)
        inbox.push(4)
        #expect(try await inbox.next() == 2)
        #expect(try await inbox.next() == 3)
        inbox.push(5)
        #expect(try await inbox.next() == 4)
        #expect(try await inbox.next() == 5)
        inbox.push(6)
        inbox.finish()
        #expect(try await inbox.next() == 6)
        #expect(try await inbox.next() == nil)
    }

    @Test func suspendedConsumerIsResumedByPush() async throws {
        let inbox = MessageInbox<Int>()
        async let got = inbox.next()
        try await Task.sleep(for: .milliseconds(10))
        inbox.push(42)
        #expect(try await got == 42)
    }

    @Test func cancellingTheConsumerRunsOnCancel() async throws {
        final class Fired: Sendable { let shot = OneShot<Bool>() }
        let fired = Fired()
        let inbox = MessageInbox<Int>(onCancel: { fired.shot.fulfill(true) })
        let task = Task { try await inbox.next() }
        try await Task.sleep(for: .milliseconds(10))
        task.cancel()
        #expect(await fired.shot.get())
        inbox.finish(RPCError(code: .cancelled, message: "c"))
        await #expect(throws: RPCError.self) { try await task.value }
    }
}
