import Foundation
import ProtoWire
import Testing

/// Generated `codec.Order` and `codec.Small` reproduce the canonical encodings that swift-protobuf,
/// C++, Go and python protobuf all produce (Fixtures/order.bin, small.bin).
@Suite struct AnchorTests {
    static func fixture(_ name: String) throws -> [UInt8] {
        [UInt8](
            try Data(
                contentsOf: URL(fileURLWithPath: ProcessRunner.packageRoot + "/Tests/ProtoGenTests/Fixtures/" + name)))
    }

    @Test func orderRoundTripsByteExact() throws {
        let bytes = try Self.fixture("order.bin")
        #expect(bytes.count == 563)
        let order = try Codec_Order(serializedBytes: bytes)
        #expect(order.unknownFields.isEmpty)
        #expect(order.items.count > 0)
        #expect(order.hasNote)
        #expect(order.encodedSize() == bytes.count)
        #expect(order.serializedBytes() == bytes)
    }

    @Test func smallRoundTripsByteExact() throws {
        let bytes = try Self.fixture("small.bin")
        let small = try Codec_Small(serializedBytes: bytes)
        #expect(small.serializedBytes() == bytes)
        #expect(bytes.count == 14)
    }

    /// protoc reads the values back from our encoding (`protoc --decode`), the same text as from the anchor.
    @Test func protocDecodesOurEncoding() async throws {
        let protoc = try ProcessRunner.which("protoc")
        let bytes = try Self.fixture("order.bin")
        let ours = try Codec_Order(serializedBytes: bytes).serializedBytes()
        let args = [
            "-I", ProcessRunner.packageRoot + "/Tests/ProtoGenTests", "--decode=codec.Order", "Protos/codec.proto",
        ]
        let fromAnchor = try await ProcessRunner.run(protoc, args, stdin: Data(bytes))
        let fromOurs = try await ProcessRunner.run(protoc, args, stdin: Data(ours))
        #expect(fromAnchor.status == 0 && fromOurs.status == 0)
        #expect(!fromAnchor.stdout.isEmpty)
        #expect(fromOurs.stdout == fromAnchor.stdout)
    }
}
