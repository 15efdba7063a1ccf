public import H2RPC

extension HTTPRoute {
    /// Go's `net/http/pprof` CPU-profile endpoint on an ``RPCServer``: `GET /debug/pprof/profile?seconds=N`
    /// (`seconds` 1…300, default 30; optional `hz` 1…1000, default 100) answers with the
    /// gzip-compressed profile, once the route is in ``RPCServer/Configuration/httpRoutes``. The server
    /// speaks HTTP/2 only, so fetch with an HTTP/2 client
    /// (`curl --http2-prior-knowledge -o cpu.pb.gz 'http://HOST:PORT/debug/pprof/profile?seconds=10'`)
    /// and read the file with `go tool pprof` (whose own fetch speaks HTTP/1.1):
    ///
    /// ```swift
    /// var configuration = RPCServer.Configuration()
    /// configuration.httpRoutes = [.pprof]
    /// ```
    ///
    /// 400 for a bad argument, 404 for other paths under `/debug/pprof/`, 405 for methods other than
    /// GET, 409 while another profile is being taken, 500 when profiling fails.
    public static var pprof: HTTPRoute {
        HTTPRoute(pathPrefix: "/debug/pprof/") { request in await PprofHTTP.respond(to: request) }
    }
}

/// The answers of ``HTTPRoute/pprof``.
enum PprofHTTP {
    static func respond(to request: HTTPRequest) async -> HTTPResponse {
        guard request.path == "/debug/pprof/profile" else {
            return text(404, "\(request.path) is not served; /debug/pprof/profile?seconds=N is")
        }
        guard request.method == "GET" else { return text(405, "\(request.method) is not allowed; use GET") }
        guard let seconds = number(request.query["seconds"]), let frequency = number(request.query["hz"]) else {
            return text(400, "seconds and hz must be whole numbers")
        }
        do throws(ProfilingError) {
            let data = try await ProfilerService.profileData(seconds: seconds, frequency: frequency)
            return HTTPResponse(status: 200, contentType: "application/octet-stream", body: data)
        } catch {
            switch error {
            case .invalidArgument: return text(400, error.description)
            case .busy: return text(409, error.description)
            case .cancelled: return text(503, error.description)
            default: return text(500, error.description)
            }
        }
    }

    /// nil (absent) → 0, which means the default; a value that is not a number → nil.
    private static func number(_ value: String?) -> Int? {
        guard let value else { return 0 }
        return Int(value)
    }

    private static func text(_ status: Int, _ message: String) -> HTTPResponse {
        HTTPResponse(status: status, body: Array((message + "\n").utf8))
    }
}
