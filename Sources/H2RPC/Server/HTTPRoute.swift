import EventIO
import H2

/// A plain HTTP/2 request (not a gRPC call) that ``RPCServer`` hands to an ``HTTPRoute``.
public struct HTTPRequest: Sendable, Hashable {
    /// `:method`, e.g. `GET`.
    public var method: String
    /// `:path` up to the `?`.
    public var path: String
    /// The query's `name=value` pairs (`+` and `%XX` decoded); a name without `=` has the value "".
    public var query: [String: String]

    /// A request, as the server parses it from the `:method` and `:path` headers.
    public init(method: String, path: String, query: [String: String] = [:]) {
        self.method = method
        self.path = path
        self.query = query
    }

    /// Splits `:path` into path and query.
    init(method: String, target: String) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var query: [String: String] = [:]
        if parts.count == 2 {
            for pair in parts[1].split(separator: "&") {
                let nameValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                query[Self.decode(nameValue[0])] = nameValue.count == 2 ? Self.decode(nameValue[1]) : ""
            }
        }
        self.init(method: method, path: String(parts.first ?? ""), query: query)
    }

    private static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var utf8 = text.utf8[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), utf8.count >= 2,
                let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The answer to an ``HTTPRequest``.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code, e.g. 200.
    public var status: Int
    /// `content-type`.
    public var contentType: String
    /// The body (`content-length` is set from it).
    public var body: [UInt8]

    /// A response.
    public init(status: Int, contentType: String = "text/plain; charset=utf-8", body: [UInt8] = []) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }
}

/// Plain HTTP/2 requests whose path starts with `pathPrefix`, served beside the gRPC services (as Go
/// servers serve `/debug/pprof/`): see ``RPCServer/Configuration/httpRoutes``. The handler runs
/// in a task of its own, cancelled when the client resets the stream or the connection goes away.
public struct HTTPRoute: Sendable {
    /// Requests whose path (before `?`) starts with this go to ``handler``.
    public var pathPrefix: String
    /// Answers one request.
    public var handler: @Sendable (HTTPRequest) async -> HTTPResponse

    /// A route for the paths starting with `pathPrefix`.
    public init(pathPrefix: String, handler: @escaping @Sendable (HTTPRequest) async -> HTTPResponse) {
        self.pathPrefix = pathPrefix
        self.handler = handler
    }
}

extension RPCServer.Configuration {
    /// The route for a request head, when it is not gRPC and a route's prefix matches its path.
    func httpRoute(for head: H2Headers) -> (HTTPRoute, HTTPRequest)? {
        guard !httpRoutes.isEmpty, let target = head[":path"],
            !(head["content-type"] ?? "").hasPrefix("application/grpc")
        else { return nil }
        let request = HTTPRequest(method: head[":method"] ?? "", target: target)
        guard let route = httpRoutes.first(where: { request.path.hasPrefix($0.pathPrefix) }) else { return nil }
        return (route, request)
    }
}

/// One routed HTTP request on its stream. Its state is touched on the stream's loop thread only
/// (H2 calls the delegate there; the handler's answer hops back with `execute`).
final class HTTPRouteStream: H2StreamDelegate, @unchecked Sendable {
    private let stream: H2Stream
    private let route: HTTPRoute
    private let request: HTTPRequest
    private var task: Task<Void, Never>?
    private var closed = false

    init(stream: H2Stream, route: HTTPRoute, request: HTTPRequest) {
        self.stream = stream
        self.route = route
        self.request = request
    }

    func stream(_ stream: H2Stream, didReceiveData bytes: Span<UInt8>) {
        stream.consume(bytes.count)  // routes take no body
    }

    func stream(_ stream: H2Stream, didReceiveEnd trailers: H2Headers?) {
        guard task == nil, !closed else { return }
        let handler = route.handler
        let request = self.request
        let loop = stream.loop
        task = Task {
            let response = await handler(request)
            loop.execute { self.respond(response) }
        }
    }

    func stream(_ stream: H2Stream, didClose error: H2Error?) {
        closed = true
        task?.cancel()
    }

    private func respond(_ response: HTTPResponse) {
        guard !closed else { return }
        let head = H2Headers([
            H2Header(":status", String(response.status)), H2Header("content-type", response.contentType),
            H2Header("content-length", String(response.body.count)),
        ])
        stream.sendHeaders(head, endStream: response.body.isEmpty)
        if !response.body.isEmpty { stream.sendData(response.body, endStream: true) }
    }
}
