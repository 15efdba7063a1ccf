import H2

/// The plain HTTP/2 echo service: POST/PUT echo the body as it arrives; `GET /bytes/N` streams N
/// bytes; `GET /` says hello; anything else is 404.
enum EchoHandler {
    /// 64 KiB of a repeating pattern, shared by every `/bytes/N` response (sent without copying).
    static let block: [UInt8] = (0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    @Sendable static func handle(_ request: H2Server.Request, _ response: H2StreamWriter) async throws {
        let method = request.head.method ?? ""
        let path = request.head.path ?? "/"
        switch method {
        case "POST", "PUT":
            response.sendHeaders([
                (":status", "200"), ("content-type", request.head["content-type"] ?? "application/octet-stream"),
            ])
            for try await chunk in request.body { try await response.write(chunk) }
            response.finish()
        case "GET", "HEAD":
            if path.hasPrefix("/bytes/"), let count = Int(path.dropFirst("/bytes/".count)), count >= 0 {
                response.sendHeaders([(":status", "200"), ("content-length", "\(count)")], endStream: method == "HEAD")
                guard method == "GET" else { return }
                var left = count
                while left > 0 {
                    let size = min(left, block.count)
                    try await response.write(size == block.count ? block : Array(block[0..<size]))
                    left -= size
                }
                response.finish()
            } else if path == "/" {
                response.sendHeaders([(":status", "200"), ("content-type", "text/plain")])
                try await response.write(Array("h2-echo: POST echoes the body, GET /bytes/N sends N bytes\n".utf8))
                response.finish()
            } else {
                response.sendHeaders([(":status", "404"), ("content-length", "0")], endStream: true)
            }
        default:
            response.sendHeaders([(":status", "405"), ("content-length", "0")], endStream: true)
        }
    }
}
