import EventIO

/// A TCP relay between one HTTP/2 client and a server, on its own event loop, that lets a test
/// provoke the server's REFUSED_STREAM: in the server's first SETTINGS frame it raises
/// SETTINGS_MAX_CONCURRENT_STREAMS to 100, so the client opens more streams than the server
/// allows, and it counts the RST_STREAM REFUSED_STREAM frames the server sends and holds them
/// back until `releaseRefusals()`. Every other byte passes unchanged and in order (an RST_STREAM
/// carries no header block, so delivering it later leaves HPACK state intact).
final class SettingsLiftingRelay: @unchecked Sendable {
    let port: Int
    private let group: EventLoopGroup
    private let loop: EventLoop
    private let listener: TCPListener
    /// REFUSED_STREAM frames seen from the server; tests wait on it.
    private let refusals = WaitableState<Int>(0)

    // Loop-confined.
    private var client: TCPConnection?
    private var upstream: TCPConnection?
    private var toUpstream: [UInt8] = []
    private var fromServer: [UInt8] = []
    private var liftedSettings = false
    private var holding = true
    private var held: [[UInt8]] = []

    static func start(upstreamPort: Int) async throws -> SettingsLiftingRelay {
        let group = try EventLoopGroup(loopCount: 1)
        let loop = group.next()
        let box = LockedValue<SettingsLiftingRelay?>(nil)
        let listener = try TCPListener.bind(to: .loopback(port: 0), group: group) { accepted in
            box.withLock { $0 }?.accepted(accepted)
        }
        let relay = SettingsLiftingRelay(group: group, loop: loop, listener: listener, upstreamPort: upstreamPort)
        box.withLock { $0 = relay }
        return relay
    }

    private let upstreamPort: Int

    private init(group: EventLoopGroup, loop: EventLoop, listener: TCPListener, upstreamPort: Int) {
        self.group = group
        self.loop = loop
        self.listener = listener
        self.upstreamPort = upstreamPort
        port = listener.localAddress.port
    }

    /// Waits until the server refused `count` streams.
    func waitForRefusals(_ count: Int) async throws {
        try await refusals.wait { $0 >= count ? () : nil }
    }

    /// Streams the server refused so far.
    var refusedStreams: Int { refusals.value }

    /// Delivers the held REFUSED_STREAM frames, and later ones at once.
    func releaseRefusals() {
        loop.execute {
            self.holding = false
            for frame in self.held { self.client?.write(frame) }
            self.held = []
            self.client?.flush()
        }
    }

    func close() async {
        await loop.submit {
            self.client?.close()
            self.upstream?.close()
        }
        await listener.close()
        group.shutdown()
    }

    // MARK: - Loop thread

    /// One client: it is relayed to a new connection to the server.
    private func accepted(_ connection: TCPConnection) {
        client = connection
        connection.start(delegate: Side(relay: self, fromClient: true))
        TCPConnection.connect(to: .loopback(port: upstreamPort), on: loop) { result in
            switch result {
            case .success(let upstream): self.connectedUpstream(upstream)
            case .failure: connection.close()
            }
        }
    }

    private func connectedUpstream(_ connection: TCPConnection) {
        upstream = connection
        connection.start(delegate: Side(relay: self, fromClient: false))
        if !toUpstream.isEmpty {
            connection.write(toUpstream)
            toUpstream = []
        }
    }

    fileprivate func clientSent(_ bytes: Span<UInt8>) {
        guard let upstream else {
            bytes.withUnsafeBufferPointer { toUpstream.append(contentsOf: $0) }
            return
        }
        upstream.write(bytes)
    }

    fileprivate func serverSent(_ bytes: Span<UInt8>) {
        bytes.withUnsafeBufferPointer { fromServer.append(contentsOf: $0) }
        var offset = 0
        while fromServer.count - offset >= 9 {
            let length = Int(fromServer[offset]) << 16 | Int(fromServer[offset + 1]) << 8 | Int(fromServer[offset + 2])
            guard fromServer.count - offset >= 9 + length else { break }
            var frame = Array(fromServer[offset..<offset + 9 + length])
            offset += 9 + length
            let type = frame[3]
            let flags = frame[4]
            if type == 0x4, flags & 0x1 == 0, !liftedSettings {
                liftedSettings = true
                var entry = 9
                while entry + 6 <= frame.count {
                    if frame[entry] == 0, frame[entry + 1] == 0x3 {
                        frame.replaceSubrange(entry + 2..<entry + 6, with: [0, 0, 0, 100])
                    }
                    entry += 6
                }
            }
            if type == 0x3, length == 4, frame[9..<13].elementsEqual([0, 0, 0, 7]) {
                refusals.update { $0 += 1 }
                if holding {
                    held.append(frame)
                    continue
                }
            }
            client?.write(frame)
        }
        fromServer.removeFirst(offset)
        client?.flush()
    }

    fileprivate func closed(fromClient: Bool) {
        if fromClient { upstream?.close() } else { client?.close() }
    }

    private final class Side: TCPConnectionDelegate {
        let relay: SettingsLiftingRelay
        let fromClient: Bool

        init(relay: SettingsLiftingRelay, fromClient: Bool) {
            self.relay = relay
            self.fromClient = fromClient
        }

        func connection(_ connection: TCPConnection, didRead bytes: Span<UInt8>) {
            if fromClient { relay.clientSent(bytes) } else { relay.serverSent(bytes) }
        }

        func connectionClosed(_ connection: TCPConnection, error: IOError?) { relay.closed(fromClient: fromClient) }
    }
}
