// libFuzzer entry point: arbitrary bytes, after the client connection preface, as everything a client
// sends to an HTTP/2 server session (see `H2SessionFuzzing.run`, which the corpus replay test in
// Tests/H2Tests runs too). The session must answer or close — never crash, hang, leak a stream past
// the connection's close, or read memory it does not own (AddressSanitizer).
import Dispatch
import EventIO
import H2

let group = try! EventLoopGroup(loopCount: 1)
let loop = group.next()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzH2Session(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = [UInt8](UnsafeRawBufferPointer(start: start, count: count))
    let done = DispatchSemaphore(value: 0)
    loop.execute {
        H2SessionFuzzing.run(input, on: loop)
        done.signal()
    }
    done.wait()
    return 0
}
