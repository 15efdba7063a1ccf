// libFuzzer entry point: arbitrary bytes as a gRPC request's headers and DATA (see
// `RequestPathFuzzing.run` for the layout). The request path must accept or reject every input with
// a typed outcome — never crash, hang, read memory it does not own (AddressSanitizer) or grow past
// its limits.
import H2RPC

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestPath(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    RequestPathFuzzing.run(UnsafeRawBufferPointer(start: start, count: count))
    return 0
}
