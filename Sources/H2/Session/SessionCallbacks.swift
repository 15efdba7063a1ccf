import CNGHTTP2
import EventIO

/// The nghttp2 callback table, built once. Each callback recovers its session through
/// `Unmanaged`, copies what it needs, records an event and returns: no user code runs here.
enum SessionCallbacks {
    nonisolated(unsafe) static let table: OpaquePointer = {
        var callbacks: OpaquePointer?
        nghttp2_session_callbacks_new(&callbacks)
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, onBeginHeaders)
        nghttp2_session_callbacks_set_on_header_callback(callbacks, onHeader)
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, onFrameRecv)
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, onDataChunk)
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, onStreamClose)
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks, onFrameSend)
        nghttp2_session_callbacks_set_send_data_callback(callbacks, sendData)
        nghttp2_session_callbacks_set_data_source_read_length_callback(callbacks, dataFrameLength)
        return callbacks!
    }()

    @inline(__always)
    static func session(_ user: UnsafeMutableRawPointer?) -> NGHTTP2Session {
        Unmanaged<NGHTTP2Session>.fromOpaque(user!).takeUnretainedValue()
    }

    static let headersType = UInt8(NGHTTP2_HEADERS.rawValue)
    static let dataType = UInt8(NGHTTP2_DATA.rawValue)
    static let endStreamFlag = UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)

    static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, user in
        let session = session(user)
        guard let frame, frame.pointee.hd.type == headersType else { return 0 }
        let id = frame.pointee.hd.stream_id
        let stream: H2Stream
        if let existing = session.stream(id) {
            stream = existing
        } else {
            guard session.role == .server, frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST,
                let connection = session.connection
            else { return 0 }
            stream = H2Stream(id: id, connection: connection)
            session.streams[id] = stream
            stream.headStartedAt = session.loop.monotonicNanoseconds()
        }
        // One allocation for a typical block instead of one per doubling.
        stream.incoming.removeAll(keepingCapacity: true)
        stream.incoming.reserveCapacity(12)
        stream.incomingBytes = 0
        stream.incomingTooLarge = false
        return 0
    }

    static let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, user in
        let session = session(user)
        guard let frame, let stream = session.stream(frame.pointee.hd.stream_id) else { return 0 }
        stream.incomingBytes += nameLength + valueLength + 32
        if stream.incomingBytes > Int(session.configuration.maxHeaderListSize) {
            stream.incomingTooLarge = true
            stream.incoming.removeAll()
            return 0
        }
        if stream.incomingTooLarge { return 0 }
        let slot = stream.incoming.count
        stream.incoming.append(H2Header(
            session.recentHeaderStrings.name(UnsafeBufferPointer(start: name, count: nameLength), slot: slot),
            session.recentHeaderStrings.value(UnsafeBufferPointer(start: value, count: valueLength), slot: slot)))
        return 0
    }

    static let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, user in
        let session = session(user)
        guard let frame else { return 0 }
        let header = frame.pointee.hd
        let endStream = header.flags & endStreamFlag != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            guard let stream = session.stream(header.stream_id) else { return 0 }
            let fields = stream.incoming
            stream.incoming = []
            session.events.append(.headers(
                stream: header.stream_id, fields: fields, endStream: endStream, tooLarge: stream.incomingTooLarge))
        case NGHTTP2_DATA.rawValue:
            if endStream { session.events.append(.end(stream: header.stream_id)) }
        case NGHTTP2_SETTINGS.rawValue:
            if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) == 0 { session.peerSettingsReceived = true }
        case NGHTTP2_GOAWAY.rawValue:
            session.events.append(.goAway(
                code: frame.pointee.goaway.error_code, lastStreamID: frame.pointee.goaway.last_stream_id))
        case NGHTTP2_PING.rawValue:
            if header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0 {
                let id = withUnsafeBytes(of: frame.pointee.ping.opaque_data) { $0.loadUnaligned(as: UInt64.self) }
                session.events.append(.pingAck(id))
            }
        default:
            break
        }
        return 0
    }

    static let onDataChunk: nghttp2_on_data_chunk_recv_callback = { ng, _, streamID, data, length, user in
        let session = session(user)
        // The connection window is given back at once, so that one slow stream cannot stall the
        // others; the stream window only when the reader consumes (backpressure per stream).
        nghttp2_session_consume_connection(ng, length)
        // The delegate may not be set yet (the head in the same input is handed over afterwards).
        guard length > 0, let data, session.stream(streamID) != nil else { return 0 }
        let raw = UnsafeRawPointer(data)
        if let base = session.inputBase, raw >= base, raw + length <= base + session.inputCount {
            session.events.append(.data(stream: streamID, offset: raw - base, count: length, spilled: false))
        } else {
            let offset = session.spill.count
            session.spill.append(contentsOf: UnsafeBufferPointer(start: data, count: length))
            session.events.append(.data(stream: streamID, offset: offset, count: length, spilled: true))
        }
        return 0
    }

    static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, user in
        session(user).events.append(.closed(stream: streamID, code: errorCode))
        return 0
    }

    static let onFrameSend: nghttp2_on_frame_send_callback = { ng, frame, user in
        let session = session(user)
        guard let frame, session.role == .server else { return 0 }
        let header = frame.pointee.hd
        let type = header.type
        // Our side ended before the peer's: RST_STREAM(NO_ERROR) tells it to stop sending (RFC 9113 §8.1).
        if (type == headersType || type == dataType) && header.flags & endStreamFlag != 0
            && nghttp2_session_get_stream_remote_close(ng, header.stream_id) == 0
        {
            nghttp2_submit_rst_stream(ng, UInt8(NGHTTP2_FLAG_NONE.rawValue), header.stream_id, H2ErrorCode.noError.rawValue)
        }
        return 0
    }

    /// The largest DATA payload we send in one frame, when the peer accepts it. nghttp2 sends 16 KiB
    /// frames unless asked; larger frames mean fewer headers, callbacks and iovecs per message (a
    /// 64 KiB gRPC message in one frame instead of five). nghttp2 grows its frame buffer to this
    /// size once per connection, so it is not the peer's limit (up to 16 MiB).
    static let largestDataFrame = 1 << 17

    static let dataFrameLength: nghttp2_data_source_read_length_callback = {
        _, _, _, connectionWindow, streamWindow, peerMaxFrameSize, _ in
        // nghttp2 clamps the result to both windows again; clamping here keeps it from growing
        // its frame buffer for a frame the windows would not allow.
        min(Int(peerMaxFrameSize), largestDataFrame, Int(max(1, min(connectionWindow, streamWindow))))
    }

    /// The DATA provider of every stream: sizes the next DATA frame from the queued bytes and asks
    /// for it to be sent by `sendData` (NO_COPY: the bytes never pass through nghttp2's frame
    /// buffer), defers when the queue is empty, ends with EOF (and trailers) when the stream is finished.
    static let readData: nghttp2_data_source_read_callback = { ng, streamID, _, length, flags, _, user in
        let session = session(user)
        guard let stream = session.stream(streamID), !stream.resetSubmitted, let flags else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let count = min(stream.outboundBytes, length)
        if count > 0 { flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_COPY.rawValue) }
        if stream.outboundBytes == count && stream.localEnded {
            var result = UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue)
            if let trailers = stream.pendingTrailers {
                stream.pendingTrailers = nil
                result |= UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue)
                session.submitTrailer(streamID, trailers, ng: ng)
            }
            flags.pointee |= result
            return count
        }
        if count == 0 {
            stream.providerDeferred = true
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        }
        return count
    }

    /// Writes one DATA frame that `readData` sized: the 9-byte header copied, the payload queued on
    /// the socket from the stream's chunks (large pieces by reference). Called inside
    /// `nghttp2_session_mem_send`, after the frames it returned earlier were written, so the
    /// order on the wire is nghttp2's. We never ask for padding.
    static let sendData: nghttp2_send_data_callback = { _, frame, header, length, _, user in
        let session = session(user)
        guard let frame, let header, let stream = session.stream(frame.pointee.hd.stream_id),
            !stream.resetSubmitted, stream.outboundBytes >= length
        else { return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        session.tcp.write(UnsafeBufferPointer(start: header, count: 9).span)
        stream.outbound.send(length, to: session.tcp, referenceThreshold: 4096)
        stream.outboundBytes -= length
        if !stream.isWritable && stream.outboundBytes <= session.configuration.streamWriteHighWaterMark / 2 {
            stream.isWritable = true
            session.becameWritable.append(stream)
        }
        return 0
    }
}
