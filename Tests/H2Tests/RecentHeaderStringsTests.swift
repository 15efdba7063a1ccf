import Testing
@testable import H2

/// The per-connection cache of long header strings must hand back an equal string only for equal bytes.
@Suite struct RecentHeaderStringsTests {
    static func lookUp(_ cache: inout RecentHeaderStrings, _ text: String, slot: Int) -> String {
        Array(text.utf8).withUnsafeBufferPointer { cache.value($0, slot: slot) }
    }

    @Test func sameBytesInTheSameSlotGiveTheSameString() {
        var cache = RecentHeaderStrings()
        let path = "/bench.Echo/Unary-long-path"
        #expect(Self.lookUp(&cache, path, slot: 2) == path)
        #expect(Self.lookUp(&cache, path, slot: 2) == path)
        // Same length, other bytes: a new string, not the cached one.
        #expect(Self.lookUp(&cache, "/bench.Echo/Unary-long-patX", slot: 2) == "/bench.Echo/Unary-long-patX")
        #expect(Self.lookUp(&cache, "/bench.Echo/Unary-long-pat", slot: 2) == "/bench.Echo/Unary-long-pat")
        // Another slot keeps its own string.
        #expect(Self.lookUp(&cache, "grpc-swift-h2rpc/0.1 extra", slot: 3) == "grpc-swift-h2rpc/0.1 extra")
        #expect(Self.lookUp(&cache, "/bench.Echo/Unary-long-pat", slot: 2) == "/bench.Echo/Unary-long-pat")
    }

    @Test func shortKnownNonASCIIAndFarSlotsDecodeAsUsual() {
        var cache = RecentHeaderStrings()
        #expect(Self.lookUp(&cache, "application/grpc", slot: 0) == "application/grpc")
        #expect(Self.lookUp(&cache, "short", slot: 0) == "short")
        #expect(Self.lookUp(&cache, "ünïcödé value, long enough", slot: 1) == "ünïcödé value, long enough")
        #expect(Self.lookUp(&cache, "a value in slot forty, long", slot: 40) == "a value in slot forty, long")
        let name = Array("x-some-long-header-name".utf8).withUnsafeBufferPointer { cache.name($0, slot: 5) }
        #expect(name == "x-some-long-header-name")
    }
}
