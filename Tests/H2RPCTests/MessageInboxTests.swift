import EventIO
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
        // Whether the consumer is already waiting or not, the push reaches it.
        inbox.push(42)
        #expect(try await got == 42)
    }

    /// A cancelled consumer of an empty inbox throws CANCELLED and runs the cancel action, whether
    /// the cancellation comes before or during its wait.
    @Test func cancellingTheConsumerRunsOnCancelAndThrowsCancelled() async throws {
        let fired = Promise<Void>()
        let inbox = MessageInbox<Int>(onCancel: { fired.complete(()) })
        let task = Task { try await inbox.next() }
        task.cancel()
        try await fired.wait()
        await #expect(throws: RPCError.self) { try await task.value }
        do {
            _ = try await task.value
        } catch let error as RPCError {
            #expect(error.code == .cancelled)
        }
    }

    @Test func anElementAlreadyThereIsReturnedToACancelledConsumer() async throws {
        let inbox = MessageInbox<Int>()
        inbox.push(7)
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await inbox.next()
        }
        #expect(try await task.value == 7)
    }
}
