// echo-example serve 8080            — serves echo.Echo on 127.0.0.1:8080 until Ctrl-C
// echo-example say 8080 hello there  — calls Say and Words, prints the replies
import H2RPC

struct EchoService: Echo_Echo.ServiceProtocol {
    func say(request: Echo_EchoRequest, context: ServerContext) async throws -> Echo_EchoReply {
        Echo_EchoReply.with { $0.text = request.text }
    }

    func words(
        request: Echo_EchoRequest, responses: ResponseWriter<Echo_EchoReply>, context: ServerContext
    ) async throws {
        for word in request.text.split(separator: " ") {
            try await responses.send(Echo_EchoReply.with { $0.text = String(word) })
        }
    }
}

let args = CommandLine.arguments.dropFirst()
let port = args.dropFirst().first.flatMap { Int($0) } ?? 8080
if args.first == "serve" {
    let server = RPCServer(services: [EchoService()])
    print("serving echo.Echo on 127.0.0.1:\(port)")
    try await server.run(port: port)
} else {
    let echo = Echo_Echo.Client(channel: try RPCChannel(target: "127.0.0.1:\(port)"))
    let text = args.dropFirst(2).joined(separator: " ")
    let reply = try await echo.say(Echo_EchoRequest.with { $0.text = text })
    print("say:", reply.text)
    for try await word in try await echo.words(Echo_EchoRequest.with { $0.text = text }) { print("word:", word.text) }
}
