import H2
import RPCBenchServer

/// Checks a response head: 200, or the status says what went wrong.
func checkStatus(_ head: H2Headers, peer: String, path: String) -> BenchError? {
    guard let status = head.status else { return .peer("\(peer): a response without :status to \(path)") }
    if status == 200 { return nil }
    if status == 404 {
        return .unsupported("the server at \(peer) has no \(path) (HTTP 404): not an rpcbench h2 server")
    }
    return .peer("\(peer): HTTP \(status) for \(path)")
}
