import H2TLS

/// Joins a client and a server engine in memory: each step hands one side's output to the other.
struct Pump {
    let client: TLSEngine
    let server: TLSEngine
    var clientError: TLSError?
    var serverError: TLSError?
    /// Ciphertext buffers each side handed over (one per flush that had output).
    var clientFlushes = 0
    var serverFlushes = 0

    init(client: TLSEngine, server: TLSEngine) {
        self.client = client
        self.server = server
    }

    /// Runs the handshake until both sides finished or failed. A TLS handshake takes at most a few
    /// flights; 10 rounds without progress means a stuck state machine, reported as an error.
    mutating func handshake() throws {
        var clientDone = false
        var serverDone = false
        for _ in 0..<10 {
            if !clientDone && clientError == nil {
                do { clientDone = try client.handshake() } catch { clientError = error }
            }
            try transfer(fromClient: true)
            if !serverDone && serverError == nil {
                do { serverDone = try server.handshake() } catch { serverError = error }
            }
            try transfer(fromClient: false)
            if (clientDone || clientError != nil) && (serverDone || serverError != nil) && !client.hasPendingOutput
                && !server.hasPendingOutput
            {
                return
            }
        }
        throw PumpStuck()
    }

    struct PumpStuck: Error {}

    /// Hands what `from` has pending to the other side.
    mutating func transfer(fromClient: Bool) throws {
        let (from, to) = fromClient ? (client, server) : (server, client)
        try from.flushOutput { bytes in
            to.receive(bytes)
            if fromClient { clientFlushes += 1 } else { serverFlushes += 1 }
        }
    }

    /// Reads everything `engine` can decrypt now.
    static func readAll(
        _ engine: TLSEngine
    ) throws(TLSError) -> (bytes: [UInt8], outcome: TLSEngine.ReadOutcome, deliveries: Int) {
        var bytes: [UInt8] = []
        var deliveries = 0
        let outcome = try engine.read { span in
            span.withUnsafeBufferPointer { bytes.append(contentsOf: $0) }
            deliveries += 1
        }
        return (bytes, outcome, deliveries)
    }
}

extension TLSEngine {
    func write(_ bytes: [UInt8]) { bytes.withUnsafeBufferPointer { write($0.span) } }
}
