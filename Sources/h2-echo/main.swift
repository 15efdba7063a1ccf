// h2-echo --port P [--host H | --host unix:PATH] [--loops N] [--tls-cert F --tls-key K]
// Serves EchoHandler over HTTP/2 cleartext (prior knowledge), or over TLS with ALPN h2 when given a
// certificate chain and key (PEM files); prints one line when it listens;
// stops gracefully (GOAWAY, streams in flight finish) on SIGTERM or SIGINT.
import EventIO
import Glibc
import H2
import H2TLS

func printError(_ text: String) {
    let line = text + "\n"
    _ = line.withCString { write(2, $0, strlen($0)) }
}

func usage() -> Never {
    printError("usage: h2-echo --port P [--host H | --host unix:PATH] [--loops N] [--tls-cert F --tls-key K]")
    exit(2)
}

var host = "127.0.0.1"
var port: Int?
var loops = EventLoopGroup.coreCount
var tlsCertificate: String?
var tlsKey: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    let value = arguments.popFirst()
    switch argument {
    case "--port":
        guard let number = value.flatMap({ Int($0) }) else { usage() }
        port = number
    case "--host":
        guard let value else { usage() }
        host = value
    case "--loops":
        guard let number = value.flatMap({ Int($0) }), number > 0 else { usage() }
        loops = number
    case "--tls-cert":
        guard let value else { usage() }
        tlsCertificate = value
    case "--tls-key":
        guard let value else { usage() }
        tlsKey = value
    default:
        usage()
    }
}
guard let port else { usage() }
guard (tlsCertificate == nil) == (tlsKey == nil) else { usage() }

// A signal handler may only do async-signal-safe work: it writes one byte to a pipe that main reads.
nonisolated(unsafe) var signalPipe: [Int32] = [-1, -1]
guard pipe(&signalPipe) == 0 else { fatalError("pipe failed") }
let onSignal: @convention(c) (Int32) -> Void = { _ in
    var byte: UInt8 = 1
    _ = write(signalPipe[1], &byte, 1)
}
signal(SIGTERM, onSignal)
signal(SIGINT, onSignal)
signal(SIGPIPE, SIG_IGN)

let group: EventLoopGroup
let server: H2Server
do {
    group = try EventLoopGroup(loopCount: loops)
    var configuration = H2Configuration()
    configuration.gracefulShutdownTimeout = .seconds(10)
    var transport: (@Sendable (TCPConnection) -> (any ByteStream)?)?
    if let tlsCertificate, let tlsKey {
        let context = try TLSServerContext(
            TLSServerConfiguration(certificateChain: .file(tlsCertificate), privateKey: .file(tlsKey)))
        transport = { tcp in try? TLSByteStream(accepted: tcp, context: context) }
    }
    server = try H2Server.start(
        host: host, port: port, group: group, configuration: configuration,
        transport: transport, handler: EchoHandler.handle)
} catch {
    printError("h2-echo: \(error)")
    exit(1)
}
// One line, written straight to the descriptor so that a pipe reader sees it at once.
let ready = "h2-echo listening on \(server.localAddress)\n"
_ = ready.withCString { write(1, $0, strlen($0)) }

var byte: UInt8 = 0
while read(signalPipe[0], &byte, 1) < 0 && errno == EINTR {}
await server.shutdown()
group.shutdown()
let done = "h2-echo stopped\n"
_ = done.withCString { write(1, $0, strlen($0)) }
