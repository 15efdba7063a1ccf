public import RPCBenchServer
public import H2TLS
import BenchProto
import H2RPC

/// gRPC `bench.Echo` through h2rpc's `RPCChannel` and the generated `Bench_Echo.Client`: exactly what a
/// user of the library writes, so that its figures are the library's.
public final class GRPCBenchClient: BenchClient {
    public let kind = BenchProtocolKind.grpc

    private let busyPoll: Duration?
    private let tls: TLSClientConfiguration?
    private let channelOptions: GRPCChannelOptions

    /// A client whose channels' event loops poll for `busyPoll` before they block (nil: they block at
    /// once), over TLS when `tls` is given, with `channel`'s load-balancing policy and service config.
    public init(
        busyPoll: Duration? = nil, tls: TLSClientConfiguration? = nil, channel: GRPCChannelOptions = .init()
    ) {
        self.busyPoll = busyPoll
        self.tls = tls
        self.channelOptions = channel
    }

    /// One channel to `target` (any gRPC target string: its addresses are the channel's to resolve
    /// and balance over).
    public func connect(to target: Target) async throws(BenchError) -> any BenchConnection {
        let channel: RPCChannel
        do {
            var configuration = RPCChannel.Configuration()
            configuration.busyPoll = busyPoll
            configuration.maxReceiveMessageSize = BenchLimits.maxMessage + BenchLimits.messageOverhead
            if let tls { configuration.transportSecurity = .tls(tls) }
            channelOptions.apply(to: &configuration)
            channel = try RPCChannel(target: target.description, configuration: configuration)
        } catch {
            throw .usage("target \(target): \(error.message)")
        }
        // Connected (over TLS: handshake done) before it is returned, as the tcp and h2 clients are:
        // the channel would otherwise connect at the first call, inside the measured time.
        do {
            try await channel.connect()
        } catch {
            await channel.close()
            if error.message.contains("refused") { throw .connect("nothing listens on \(target) (connection refused)") }
            throw .connect("cannot connect to \(target): \(error.message)")
        }
        return GRPCBenchConnection(channel: channel, peer: target.description)
    }
}

final class GRPCBenchConnection: BenchConnection {
    let channel: RPCChannel
    let client: Bench_Echo.Client
    let peer: String

    init(channel: RPCChannel, peer: String) {
        self.channel = channel
        self.client = Bench_Echo.Client(channel: channel)
        self.peer = peer
    }

    /// The channel's event loop: call tasks resume there without a hop through the global pool.
    var taskExecutor: (any TaskExecutor)? { channel.preferredTaskExecutor }

    func unary(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        var request = Bench_Payload()
        request.body = payload
        do {
            return try await client.unary(request).body
        } catch {
            throw GRPCErrors.map(error, peer: peer, method: Bench_Echo.Method.unary)
        }
    }

    func openPingPong() async throws(BenchError) -> any PingPongStream {
        do {
            return GRPCPingPong(call: try await client.pingPong(), peer: peer)
        } catch {
            throw GRPCErrors.map(error, peer: peer, method: Bench_Echo.Method.pingPong)
        }
    }

    func download(messageSize: Int, count: Int, onMessage: (Int) -> Void) async throws(BenchError) {
        var request = Bench_DownloadRequest()
        request.messageSize = UInt32(messageSize)
        request.count = UInt64(count)
        do {
            let call = try await client.download(request)
            var received = 0
            var iterator = call.makeAsyncIterator()
            while let message = try await iterator.next() {
                received += 1
                onMessage(message.body.count)
            }
            if received != count {
                throw BenchError.peer("\(peer): Download ended after \(received) of \(count) messages with status OK")
            }
        } catch let error as BenchError {
            throw error
        } catch let error as RPCError {
            throw GRPCErrors.map(error, peer: peer, method: Bench_Echo.Method.download)
        } catch {
            throw .peer("\(peer): \(error)")
        }
    }

    func close() async { await channel.close() }
}

/// One `PingPong` call: each exchange sends a message and waits for the next response.
final class GRPCPingPong: PingPongStream, @unchecked Sendable {
    // One worker task owns a stream and uses it sequentially; the iterator is only touched by it.
    private let call: BidiStreamingCall<Bench_Payload, Bench_Payload>
    private var responses: ResponseStream<Bench_Payload>.AsyncIterator
    private let peer: String

    init(call: BidiStreamingCall<Bench_Payload, Bench_Payload>, peer: String) {
        self.call = call
        self.responses = call.responses.makeAsyncIterator()
        self.peer = peer
    }

    func exchange(_ payload: [UInt8]) async throws(BenchError) -> [UInt8] {
        var request = Bench_Payload()
        request.body = payload
        let reply: Bench_Payload?
        do {
            try await call.send(request)
            reply = try await responses.next()
        } catch {
            throw GRPCErrors.map(error, peer: peer, method: Bench_Echo.Method.pingPong)
        }
        guard let reply else { throw .peer("\(peer): the server ended PingPong with OK before echoing") }
        return reply.body
    }

    func close() async {
        call.finish()
        // Drain to the status so that the stream ends cleanly rather than by reset.
        while (try? await responses.next()) != nil {}
    }
}

enum GRPCErrors {
    /// UNIMPLEMENTED stops the run (the server is not a bench server); any other status is one
    /// failed call, which the load driver counts.
    static func map(_ error: RPCError, peer: String, method: String) -> BenchError {
        switch error.code {
        case .unimplemented:
            .unsupported("the server at \(peer) does not implement \(method): \(error)")
        default:
            .call(status: "\(error.code)", "\(peer): \(method) failed: \(error)")
        }
    }
}
