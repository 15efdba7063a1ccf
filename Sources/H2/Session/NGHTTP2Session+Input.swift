import CNGHTTP2
import EventIO

/// Input: parsing what the byte stream delivers, what the nghttp2 callbacks report during the
/// parse, and delivering it to streams and the delegate once nghttp2 has returned.
extension NGHTTP2Session {
    // MARK: - Input

    func receive(_ bytes: Span<UInt8>) {
        // Closing: our last GOAWAY is queued and the socket closes once it is out; input that comes
        // meanwhile (a flood that goes on) is not worth parsing or answering.
        guard state != .closed, state != .closing, ng != nil else { return }
        let now = loop.monotonicNanoseconds()
        liveness.didRead(at: now)
        let outcome: InputOutcome = bytes.withUnsafeBytes { raw in
            inbound.beginParsing(raw)
            defer { inbound.endParsing() }
            return parse(raw, now: now)
        }
        switch outcome {
        case .parsed:
            break
        case .refused(let code):
            // nghttp2 refused the input as a whole (bad preface, flood, …): GOAWAY and close.
            inbound.discard()
            let error: H2ErrorCode = code == NGHTTP2_ERR_FLOODED.rawValue ? .enhanceYourCalm : .protocolError
            close(.terminate(error, .protocolViolation(Self.describe(code))))
            return
        case .connectionError(let code, let reason, let debugData):
            bytes.withUnsafeBytes { raw in deliverEvents(input: raw) }
            if let debugData {
                close(.goAway(code, debugData: debugData, .protocolViolation(reason)))
            } else {
                close(.terminate(code, .protocolViolation(reason)))
            }
            return
        }
        bytes.withUnsafeBytes { raw in deliverEvents(input: raw) }
        if oversizedHeaderBlocks >= Self.oversizedHeaderBlockLimit {
            // Each such block was reset; a peer that keeps sending them is not worth serving.
            close(
                .terminate(
                    .enhanceYourCalm, .protocolViolation("repeated header blocks over SETTINGS_MAX_HEADER_LIST_SIZE")))
            return
        }
        scheduleFlush()
    }

    enum InputOutcome {
        case parsed
        /// nghttp2's error code for input it could not take.
        case refused(Int32)
        /// A check of ours found a connection error; what came before it was parsed.
        case connectionError(H2ErrorCode, String, debugData: String?)
    }

    /// Walks `input` frame by frame (`InputFramer`), runs the checks each frame head gets, and
    /// feeds nghttp2 what passes them: in runs of whole frames, so that nghttp2 is called once per
    /// read unless a check needs its view of the frames before.
    private func parse(_ input: UnsafeRawBufferPointer, now: UInt64) -> InputOutcome {
        var position = 0
        var fedUpTo = 0
        var heldFrom = input.count
        /// Feeds `input[fedUpTo..<end]`; nil when nghttp2 took it.
        func feed(upTo end: Int) -> Int32? {
            defer { fedUpTo = end }
            unfedResets.removeAll(keepingCapacity: true)
            guard end > fedUpTo, let ng else { return nil }
            let result = nghttp2_session_mem_recv(
                ng, input.baseAddress!.assumingMemoryBound(to: UInt8.self) + fedUpTo, end - fedUpTo)
            return result < 0 ? Int32(result) : nil
        }
        while position < input.count {
            switch framer.step(input, at: position) {
            case .bytes(let count):
                position += count
            case .held(let count):
                heldFrom = position
                position += count
            case .head(let head, let consumed, let earlier):
                let start = position
                position += consumed
                var verdict = charge(head, at: now)
                if verdict == .pass { verdict = streamStateVerdict(head, fresh: false) }
                if verdict == .recheck {
                    if let failure = feed(upTo: start) { return .refused(failure) }
                    if state == .closed || ng == nil { return .parsed }
                    verdict = streamStateVerdict(head, fresh: true)
                }
                switch verdict {
                case .pass, .recheck:
                    if let earlier {
                        if let failure = feed(upTo: start) { return .refused(failure) }
                        let result = earlier.withUnsafeBufferPointer {
                            nghttp2_session_mem_recv(ng, $0.baseAddress, $0.count)
                        }
                        if result < 0 { return .refused(Int32(result)) }
                    }
                    if head.type == InputFramer.rstStream { unfedResets.append(head.stream) }
                case .skip:
                    if let failure = feed(upTo: start) { return .refused(failure) }
                    fedUpTo = position
                case .terminate(let code, let reason, let debugData):
                    if let failure = feed(upTo: start) { return .refused(failure) }
                    return .connectionError(code, reason, debugData: debugData)
                }
            }
        }
        if let failure = feed(upTo: heldFrom) { return .refused(failure) }
        return .parsed
    }

    func deliverEvents(input: UnsafeRawBufferPointer) {
        var batch = inbound.take()
        defer { inbound.recycle(&batch) }
        for event in batch.events {
            if state == .closed { return }
            switch event {
            case .headers(let id, let fields, let endStream):
                guard let stream = stream(id) else { continue }
                deliverHeaders(stream, H2Headers(fields), endStream: endStream)
                // A request or response handed over may have queued output: part of a large
                // batch leaves before the rest is handled.
                loop.workDone()
            case .data(let id, let offset, let count, let spilled):
                guard let stream = stream(id), let delegate = stream.delegate else { continue }
                if spilled {
                    batch.spill.withUnsafeBufferPointer { all in
                        delegate.stream(
                            stream, didReceiveData: UnsafeBufferPointer(rebasing: all[offset..<offset + count]).span)
                    }
                } else {
                    let part = UnsafeBufferPointer(
                        start: (input.baseAddress! + offset).assumingMemoryBound(to: UInt8.self), count: count)
                    delegate.stream(stream, didReceiveData: part.span)
                }
            case .end(let id):
                guard let stream = stream(id) else { continue }
                stream.delegate?.stream(stream, didReceiveEnd: nil)
            case .closed(let id, let code):
                guard let stream = streams.removeValue(forKey: id) else { continue }
                if lastStream === stream { lastStream = nil }
                outputDequeued(stream.dropQueue())
                stream.markClosed()?.stream(
                    stream, didClose: code == 0 ? nil : .streamReset(H2ErrorCode(rawValue: code)))
                if streams.isEmpty {
                    liveness.becameIdle(at: loop.monotonicNanoseconds())
                    close(.shutdownComplete)
                }
            case .goAway(let code, let last):
                if let connection {
                    delegate?.connection(connection, didReceiveGoAway: H2ErrorCode(rawValue: code), lastStreamID: last)
                }
            case .pingAck(let id):
                guard let ping = liveness.pingAcknowledged(id, at: loop.monotonicNanoseconds()) else { continue }
                ping.completion(ping.rtt)
            }
        }
    }

    private func deliverHeaders(_ stream: H2Stream, _ headers: H2Headers, endStream: Bool) {
        if role == .server && !stream.handedOver {
            stream.markHandedOver()
            guard let streamHandler else {
                reset(stream, code: .refusedStream)
                return
            }
            stream.delegate = streamHandler(stream, headers)
            if endStream && !stream.closed { stream.delegate?.stream(stream, didReceiveEnd: nil) }
            return
        }
        if role == .client && !stream.receivedHead {
            if let status = headers.status, (100..<200).contains(status) { return }
            stream.markReceivedHead()
            stream.delegate?.stream(stream, didReceiveHead: headers)
            if endStream && !stream.closed { stream.delegate?.stream(stream, didReceiveEnd: nil) }
            return
        }
        // A later block: trailers.
        stream.delegate?.stream(stream, didReceiveEnd: headers)
    }

    // MARK: - What the callbacks report

    /// A HEADERS frame begins (`isRequest`: it opens a stream on a server). Returns false when the
    /// new stream is one more than SETTINGS_MAX_CONCURRENT_STREAMS allows: it is refused
    /// (RST_STREAM REFUSED_STREAM, a stream error; the peer may retry it, nothing was processed).
    func headerBlockBegins(stream id: Int32, isRequest: Bool) -> Bool {
        let stream: H2Stream
        if let existing = self.stream(id) {
            stream = existing
        } else {
            guard role == .server, isRequest, let connection else { return true }
            openPeerStreams += 1
            guard openPeerStreams <= Int(configuration.maxConcurrentStreams) else {
                // Only fails without memory; nghttp2 then resets the stream with INTERNAL_ERROR itself.
                _ = nghttp2_submit_rst_stream(
                    ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, H2ErrorCode.refusedStream.rawValue)
                return false
            }
            frameBudget.credit()
            stream = H2Stream(id: id, connection: connection)
            streams[id] = stream
            stream.headStarted(at: loop.monotonicNanoseconds())
        }
        stream.beginHeaderBlock()
        return true
    }

    /// A header field arrived. Returns false when the block just passed SETTINGS_MAX_HEADER_LIST_SIZE:
    /// the callback then makes nghttp2 reset the stream and decode the rest of the block without
    /// calling back, so an oversized or amplified (HPACK) block costs no work per field beyond that.
    func headerReceived(stream id: Int32, name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let stream = stream(id) else { return true }
        let kept = stream.addHeader(size: name.count + value.count + 32, limit: Int(configuration.maxHeaderListSize)) {
            slot in
            H2Header(recentHeaderStrings.name(name, slot: slot), recentHeaderStrings.value(value, slot: slot))
        }
        if !kept { oversizedHeaderBlocks += 1 }
        return kept
    }

    func headerBlockEnded(stream id: Int32, endStream: Bool) {
        guard let stream = stream(id) else { return }
        inbound.append(.headers(stream: id, fields: stream.takeHeaderBlock(), endStream: endStream))
    }

    func dataReceived(stream id: Int32, _ data: UnsafeBufferPointer<UInt8>) {
        // The connection window is given back at once, so that one slow stream cannot stall the
        // others; the stream window only when the reader consumes (backpressure per stream).
        // It cannot fail: the count is what nghttp2 just received.
        _ = nghttp2_session_consume_connection(ng, data.count)
        // The delegate may not be set yet (the head in the same input is handed over afterwards).
        guard !data.isEmpty, stream(id) != nil else { return }
        inbound.appendData(stream: id, data)
    }

    func record(_ event: SessionEvent) { inbound.append(event) }

    func peerSettingsArrived() { liveness.peerSettingsArrived() }

    /// A server frame with END_STREAM left: if the peer has not ended its side, RST_STREAM(NO_ERROR)
    /// tells it to stop sending (RFC 9113 §8.1).
    func endStreamSent(stream id: Int32) {
        guard role == .server, let ng, nghttp2_session_get_stream_remote_close(ng, id) == 0 else { return }
        if nghttp2_submit_rst_stream(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), id, H2ErrorCode.noError.rawValue) != 0 {
            close(.terminate(.internalError, .protocolViolation("RST_STREAM could not be queued")))
        }
    }

}
