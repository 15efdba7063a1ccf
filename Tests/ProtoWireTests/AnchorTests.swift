// The codec anchors: Fixtures/anchors/order.bin and small.bin are the bytes swift-protobuf, C++, Go and
// python produce for one Order and one Small. Ours must read and write exactly them.
import Foundation
import ProtoWire
import Testing

@Suite struct AnchorTests {
    @Test func orderRoundTripsByteExact() throws {
        let bytes = try Anchors.bytes("order.bin")
        let order = try Codec_Order(serializedBytes: bytes)
        #expect(order.unknownFields.isEmpty)
        #expect(order.serializedBytes() == bytes)
        #expect(order.encodedSize() == bytes.count)
    }

    @Test func orderValuesMatchProtocDecode() throws {
        let bytes = try Anchors.bytes("order.bin")
        let order = try Codec_Order(serializedBytes: bytes)
        // Values as `protoc --decode=codec.Order codec.proto < order.bin` prints them.
        #expect(order.id == 1_234_567_890_123)
        #expect(order.customer == "acme-industries-0042")
        #expect(order.items.count == 5)
        #expect(order.items[0].sku == "SKU-000001")
        #expect(order.items[0].tags == ["new", "sale"])
        #expect(order.attributes == ["channel": "web", "priority": "high", "region": "eu-west-1"])
        #expect(order.status == .shipped)
        #expect(order.paid)
        #expect(order.note == "leave at the back door")
        #expect(order.currency == "EUR")
        #expect(order.payment == .cardToken("tok_4242424242424242"))
    }

    @Test func smallRoundTripsByteExact() throws {
        let bytes = try Anchors.bytes("small.bin")
        let small = try Codec_Small(serializedBytes: bytes)
        #expect(small.a == 42 && small.b == "getUser1" && small.c)
        #expect(small.serializedBytes() == bytes)
    }

    @Test func headroomPrecedesTheMessage() throws {
        let bytes = try Anchors.bytes("small.bin")
        let small = try Codec_Small(serializedBytes: bytes)
        let framed = small.serializedBytes(headroom: 5)
        #expect(framed == [0, 0, 0, 0, 0] + bytes)
    }
}
