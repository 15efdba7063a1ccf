import CNGHTTP2
import EventIO

/// Stream operations: opening (client), head, DATA, trailers, reset, window updates, and the
/// data provider's two steps (size the next DATA frame, then write it).
extension NGHTTP2Session {
    // MARK: - Streams

    func openStream(_ head: H2Headers, endStream: Bool, delegate: any H2StreamDelegate) throws(H2Error) -> H2Stream {
        loop.preconditionInEventLoop()
        guard isUsable, let ng, let connection else { throw .connectionNotUsable }
        var provider = nghttp2_data_provider(
            source: nghttp2_data_source(ptr: nil), read_callback: SessionCallbacks.readData)
        let id: Int32 = encoder.withNV(head) { nva, count in
            endStream
                ? nghttp2_submit_request(ng, nil, nva, count, nil, nil)
                : nghttp2_submit_request(ng, nil, nva, count, &provider, nil)
        }
        guard id > 0 else { throw .protocolViolation(Self.describe(id)) }
        let stream = H2Stream(id: id, connection: connection)
        stream.delegate = delegate
        stream.requestSubmitted(endStream: endStream)
        streams[id] = stream
        scheduleFlush()
        return stream
    }

    func sendHeaders(_ stream: H2Stream, _ head: H2Headers, endStream: Bool) {
        guard let ng, stream.beginHeaders(endStream: endStream) else { return }
        let withoutBody = stream.headEndsStream
        var provider = nghttp2_data_provider(
            source: nghttp2_data_source(ptr: nil), read_callback: SessionCallbacks.readData)
        let result: Int32 = encoder.withNV(head) { nva, count in
            withoutBody
                ? nghttp2_submit_response(ng, stream.id, nva, count, nil)
                : nghttp2_submit_response(ng, stream.id, nva, count, &provider)
        }
        guard result == 0 else {
            reset(stream, code: .internalError)
            return
        }
        stream.didSubmitHead(providerAttached: !withoutBody)
        scheduleFlush()
    }

    func sendData(_ stream: H2Stream, _ bytes: [UInt8], endStream: Bool) {
        let before = stream.outboundBytes
        let full = queuedStreamBytes + bytes.count > configuration.connectionWriteHighWaterMark
        let serverFull = chargeServerBudget(upTo: queuedStreamBytes + bytes.count)
        guard
            stream.enqueue(
                bytes, endStream: endStream, highWaterMark: configuration.streamWriteHighWaterMark,
                connectionFull: full || serverFull)
        else {
            creditServerBudget()
            return
        }
        queuedStreamBytes += stream.outboundBytes - before
        if full { connectionOutputFull = true }
        resumeIfDeferred(stream)
    }

    func sendTrailers(_ stream: H2Stream, _ trailers: H2Headers) {
        guard stream.enqueueTrailers(trailers) else { return }
        resumeIfDeferred(stream)
    }

    private func resumeIfDeferred(_ stream: H2Stream) {
        if let ng, stream.takeDeferral(), nghttp2_session_resume_data(ng, stream.id) != 0 {
            // The stream is gone inside nghttp2: its close event is on its way.
            return
        }
        scheduleFlush()
    }

    func reset(_ stream: H2Stream, code: H2ErrorCode) {
        guard let ng, let dropped = stream.beginReset() else { return }
        outputDequeued(dropped)
        if nghttp2_submit_rst_stream(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), stream.id, code.rawValue) != 0 {
            close(.terminate(.internalError, .protocolViolation("RST_STREAM could not be queued")))
            return
        }
        scheduleFlush()
    }

    func consume(_ stream: H2Stream, _ count: Int) {
        guard !stream.closed, let ng else { return }
        // Fails only for a stream nghttp2 already closed, whose window no longer matters.
        _ = nghttp2_session_consume_stream(ng, stream.id, count)
        scheduleFlush()
    }

    // MARK: - Data provider

    /// What the data provider of stream `id` sends next (called inside `mem_send`). Submits the
    /// trailers with the last DATA frame; a failed submit resets the stream (`.none`).
    func nextDataFrame(stream id: Int32, upTo length: Int) -> H2Stream.NextFrame {
        guard let stream = stream(id) else { return .none }
        let next = stream.nextFrame(upTo: length)
        if case .data(_, true, let trailers?) = next {
            let result =
                trailerSubmitFault
                ?? encoder.withNV(trailers) { nva, count in
                    nghttp2_submit_trailer(ng, id, nva, count)
                }
            trailerSubmitFault = nil
            // nghttp2 resets the stream (INTERNAL_ERROR) when the provider fails.
            if result != 0 { return .none }
        }
        return next
    }

    /// Writes a DATA frame the provider sized: its 9-byte header, then the payload from the stream's queue.
    func sendDataFrame(stream id: Int32, header: UnsafeBufferPointer<UInt8>, length: Int) -> Bool {
        guard let stream = stream(id), stream.outboundBytes >= length, !stream.resetSubmitted else { return false }
        transport.write(header.span)
        let lowWaterMark = configuration.streamWriteHighWaterMark / 2
        guard
            let writable = stream.sendQueued(
                length, to: transport, lowWaterMark: lowWaterMark,
                connectionFull: connectionOutputFull || serverOutputFull)
        else { return false }
        if writable { becameWritable.append(stream) }
        outputDequeued(length)
        return true
    }

    /// `count` queued bytes left the streams' queues (sent, or dropped by a reset or close). Once
    /// the connection is back under half its budget, every stream that waited only for that turns writable.
    func outputDequeued(_ count: Int) {
        queuedStreamBytes -= count
        if serverBudget != nil { creditServerBudget() }
        guard connectionOutputFull, queuedStreamBytes <= configuration.connectionWriteHighWaterMark / 2 else { return }
        connectionOutputFull = false
        if !serverOutputFull { releaseWriters() }
    }

    /// Every stream under its own low-water mark turns writable (the connection's and the
    /// server's budgets no longer hold it).
    func releaseWriters() {
        let lowWaterMark = configuration.streamWriteHighWaterMark / 2
        for (_, stream) in streams where stream.becomeWritable(lowWaterMark: lowWaterMark) {
            becameWritable.append(stream)
        }
        if !becameWritable.isEmpty { scheduleFlush() }
    }

}
