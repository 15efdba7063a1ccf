import ProtoWire

/// What a server call needs from the transport to send: implemented by the H2-backed call.
protocol ServerCallOutbound: Sendable {
    /// Sends a framed message (prefix included), with the response headers first if not sent yet;
    /// `encoding` is the `grpc-encoding` those headers announce. Suspends while flow control holds
    /// the stream; throws when the call has ended.
    func sendMessage(_ framed: [UInt8], encoding: CompressionAlgorithm) async throws(RPCError)
}

// The type-erased call a method body works on: decodes requests from the inbox, encodes and
// sends responses.
extension ServerContext {
    /// The next request, or nil after half-close.
    func receive<M: ProtoMessage>() async throws(RPCError) -> M? {
        guard let raw = try await inbox.next() else { return nil }
        gate.taken(raw.bytes.count)
        noteRequestCompressed(raw.compressed)
        return try decodeMessage(raw, encoding: requestCompression, limit: maxReceiveMessageSize)
    }

    /// Exactly one request (unary, server streaming). Zero or several: INTERNAL, as grpc-go does.
    func receiveSingle<M: ProtoMessage>() async throws(RPCError) -> M {
        guard let first: M = try await receive() else {
            throw RPCError(code: .internal, message: "cardinality violation: expected one request, got none")
        }
        guard try await inbox.next() == nil else {
            throw RPCError(code: .internal, message: "cardinality violation: expected one request, got more")
        }
        return first
    }

    /// Encodes, frames (compressing when asked and possible) and sends one response. The response
    /// headers name an encoding only when the first response is compressed or compression is on;
    /// a compressed response after headers that said identity goes uncompressed.
    func send<M: ProtoMessage>(_ message: M, compressed: Bool?) async throws(RPCError) {
        let (compress, encoding) = state.withLock { s -> (Bool, CompressionAlgorithm) in
            let compress = compressed ?? s.compressResponses
            if let e = s.headerEncoding { return (compress, e) }
            let chosen =
                compress || s.compressResponses
                ? RequestHead.responseCompression(encoding: requestCompression, acceptEncoding: acceptEncoding)
                : .identity
            s.headerEncoding = chosen
            return (compress, chosen)
        }
        let framed = try MessageFramer.frame(
            serializedWithHeadroom: message.serializedBytes(headroom: MessageFramer.prefixSize),
            compression: compress ? encoding : .identity, maxSize: maxSendMessageSize)
        try await outbound.sendMessage(framed, encoding: encoding)
    }
}

/// Decompresses (when flagged) and decodes one received message; failures are INTERNAL, an
/// oversized decompressed message RESOURCE_EXHAUSTED (spec §12).
func decodeMessage<M: ProtoMessage>(
    _ raw: ReceivedMessage, encoding: CompressionAlgorithm, limit: Int
) throws(RPCError) -> M {
    var bytes = raw.bytes
    if raw.compressed {
        guard encoding != .identity else {
            throw RPCError(code: .internal, message: "grpc: compressed flag set with identity or empty encoding")
        }
        do {
            bytes = try Zlib.decompress(bytes, format: encoding, limit: limit)
        } catch .tooLarge(let limit) {
            throw RPCError(
                code: .resourceExhausted, message: "grpc: received message after decompression larger than max (\(limit))")
        } catch {
            throw RPCError(code: .internal, message: "grpc: failed to decompress the received message: \(error)")
        }
    }
    do {
        return try M(serializedBytes: bytes)
    } catch {
        throw RPCError(code: .internal, message: "grpc: failed to unmarshal the received message: \(error)")
    }
}
