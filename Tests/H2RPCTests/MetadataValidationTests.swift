import Synchronization
import Testing
@testable import H2RPC

/// Metadata that cannot be sent (bad key, text value outside printable ASCII) fails the call with
/// INTERNAL naming the key, on the client and on the server, over real sockets; nothing is dropped silently.
@Suite struct MetadataValidationTests {
    /// `/meta.Test/Call`: counts its calls; request text "initial:<key>=<value>" or "trailing:<key>=<value>"
    /// makes it set that response metadata.
    struct MetadataService: RPCService {
        let box: Box

        var methods: [RPCMethod] {
            [
                .unary(path: "/meta.Test/Call", service: self) {
                    (s: MetadataService, req: EchoMessage, ctx: ServerContext) in
                    s.box.calls.add(1, ordering: .relaxed)
                    let parts = req.text.split(separator: ":", maxSplits: 1)
                    if parts.count == 2, let eq = parts[1].firstIndex(of: "=") {
                        let key = String(parts[1][..<eq])
                        let value = String(parts[1][parts[1].index(after: eq)...])
                        if parts[0] == "initial" {
                            ctx.responseMetadata.add(key, value)
                        } else {
                            ctx.trailingMetadata.add(key, value)
                        }
                    }
                    return req
                }
            ]
        }
    }

    final class Box: Sendable {
        let calls = Atomic<Int>(0)
    }

    func withServer(_ body: (RPCChannel, Box) async throws -> Void) async throws {
        let box = Box()
        try await H2RPCTests.withServer(services: [MetadataService(box: box)]) { _, channel, _ in
            try await body(channel, box)
        }
    }

    func callError(_ channel: RPCChannel, _ text: String, metadata: Metadata = Metadata()) async -> RPCError? {
        do {
            _ = try await channel.unary(
                path: "/meta.Test/Call", request: EchoMessage(text: text), as: EchoMessage.self,
                options: CallOptions(metadata: metadata))
            return nil
        } catch {
            return error
        }
    }

    @Test func validateNamesTheBadKey() {
        var m = Metadata()
        m.add("good-key_1.x", "fine value ~")
        #expect(throws: Never.self) { try m.validate() }
        m.add("bad key", "v")
        #expect(throws: RPCError.self) { try m.validate() }
        let error = m.validationError()
        #expect(error?.code == .internal)
        #expect(error?.message.contains("\"bad key\"") == true, "\(String(describing: error))")
    }

    @Test func validateNamesTheKeyAndByteOfANonASCIIValue() {
        var m = Metadata()
        m.add("x-name", "café")  // é is C3 A9 in UTF-8, at offset 3
        let error = m.validationError()
        #expect(error?.code == .internal)
        #expect(error?.message.contains("\"x-name\"") == true)
        #expect(error?.message.contains("0xC3 at offset 3") == true, "\(String(describing: error))")
        var control = Metadata()
        control.add("x-tab", "a\tb")
        #expect(control.validationError()?.message.contains("0x09 at offset 1") == true)
    }

    @Test func binaryValuesAndUpperCaseKeysAreValid() {
        var m = Metadata()
        m.add("x-raw-bin", binary: [0x00, 0xFF, 0xC3])
        m.add("X-Upper", "lowered on add")
        #expect(m.validationError() == nil)
        #expect(m["x-upper"] == "lowered on add")
    }

    @Test(arguments: [("bad key", "v"), ("x-name", "café"), ("ключ", "v"), ("x-newline", "a\nb")])
    func clientRejectsBeforeSending(key: String, value: String) async throws {
        try await withServer { channel, box in
            var metadata = Metadata()
            metadata.add(key, value)
            let error = try #require(await callError(channel, "hello", metadata: metadata))
            #expect(error.code == .internal)
            #expect(error.message.contains("\"\(key.lowercased())\""), "\(error)")
            #expect(box.calls.load(ordering: .relaxed) == 0, "the request must not reach the server")
            // The channel is still usable.
            #expect(await callError(channel, "hello") == nil)
            #expect(box.calls.load(ordering: .relaxed) == 1)
        }
    }

    @Test func serverFailsTheCallOverBadInitialMetadata() async throws {
        try await withServer { channel, _ in
            let error = try #require(await callError(channel, "initial:x-name=café"))
            #expect(error.code == .internal)
            #expect(error.message.contains("\"x-name\""), "\(error)")
        }
    }

    @Test func serverFailsTheCallOverBadTrailingMetadata() async throws {
        try await withServer { channel, _ in
            let error = try #require(await callError(channel, "trailing:bad key=v"))
            #expect(error.code == .internal)
            #expect(error.message.contains("\"bad key\""), "\(error)")
            #expect(error.trailingMetadata["bad key"] == nil)
        }
    }
}
