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

    @Test func suspendedConsumerIsResumedByPush() async throws {
        let inbox = MessageInbox<Int>()
        async let got = inbox.next()
        try await Task.sleep(for: .milliseconds(10))
        inbox.push(42)
        #expect(try await got == 42)
    }

    @Test func cancellingTheConsumerRunsOnCancel() async throws {
        let fired = OneShot<Bool>()
        let inbox = MessageInbox<Int>(onCancel: { fired.fulfill(true) })
        let task = Task { try await inbox.next() }
        try await Task.sleep(for: .milliseconds(10))
        task.cancel()
        #expect(await fired.get())
        inbox.finish(RPCError(code: .cancelled, message: "c"))
        await #expect(throws: RPCError.self) { try await task.value }
    }
}
