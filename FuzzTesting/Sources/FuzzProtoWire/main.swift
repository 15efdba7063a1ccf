// libFuzzer entry point: decode arbitrary bytes as the rich test message (every field kind), the codec
// anchor Order and the proto2 group messages. Decoding must either succeed or throw ProtoDecodeError — never crash,
// hang or touch memory it does not own (AddressSanitizer). A decoded message must re-encode to
// exactly encodedSize() bytes and decode back to itself.
import ProtoWire

@inline(never)
func check<M: ProtoMessage>(_ type: M.Type, _ bytes: UnsafeRawBufferPointer) {
    // A small nesting limit as well as the default, so that the limit path is exercised too.
    for limits in [ProtoDecodeLimits.default, ProtoDecodeLimits(maxDepth: 3)] {
        guard let message = try? M(buffer: bytes, limits: limits) else { continue }
        let encoded = message.serializedBytes()
        precondition(encoded.count == message.encodedSize(), "encodedSize() differs from what encode(to:) wrote")
        guard let again = try? M(serializedBytes: encoded) else {
            preconditionFailure("re-encoded message does not decode")
        }
        // NaN floats are never equal to themselves: compare the encodings instead.
        precondition(again.serializedBytes() == encoded, "decode(encode(m)) re-encodes differently")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProtoWire(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    check(Wiretest_TestAll.self, bytes)
    check(Wiretest_Nested.self, bytes)
    check(Codec_Order.self, bytes)
    check(Wiretest2_WithGroups.self, bytes)  // declared proto2 groups (readGroup), not only skipped ones
    check(Wiretest2_GroupInOneof.self, bytes)
    return 0
}
