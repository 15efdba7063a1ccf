import CNGHTTP2
import EventIO

/// The nghttp2 callback table, built once. Each callback only translates its C arguments (frame
/// fields, pointers and lengths) into a call on its session, recovered through `Unmanaged`, and the
/// session's answer into nghttp2's return codes and flags. No user code runs here.
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
    static let rstStreamType = UInt8(NGHTTP2_RST_STREAM.rawValue)
    static let endStreamFlag = UInt8(NGHTTP2_FLAG_END_STREAM.rawValue)

    static let onBeginHeaders: nghttp2_on_begin_headers_callback = { _, frame, user in
        guard let frame, frame.pointee.hd.type == headersType else { return 0 }
        let accepted = session(user).headerBlockBegins(
            stream: frame.pointee.hd.stream_id, isRequest: frame.pointee.headers.cat == NGHTTP2_HCAT_REQUEST)
        // Refused (RST_STREAM already queued): nghttp2 decodes the block without calling back.
        return accepted ? 0 : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
    }

    static let onHeader: nghttp2_on_header_callback = { _, frame, name, nameLength, value, valueLength, _, user in
        guard let frame else { return 0 }
        let kept = session(user).headerReceived(
            stream: frame.pointee.hd.stream_id, name: UnsafeBufferPointer(start: name, count: nameLength),
            value: UnsafeBufferPointer(start: value, count: valueLength))
        // Failure here: nghttp2 resets the stream and skips the rest of the block's callbacks.
        return kept ? 0 : NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
    }

    static let onFrameRecv: nghttp2_on_frame_recv_callback = { _, frame, user in
        guard let frame else { return 0 }
        let session = session(user)
        let header = frame.pointee.hd
        let endStream = header.flags & endStreamFlag != 0
        let ack = header.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0
        switch UInt32(header.type) {
        case NGHTTP2_HEADERS.rawValue:
            session.headerBlockEnded(stream: header.stream_id, endStream: endStream)
        case NGHTTP2_DATA.rawValue:
            if endStream { session.record(.end(stream: header.stream_id)) }
        case NGHTTP2_SETTINGS.rawValue:
            if !ack { session.peerSettingsArrived() }
        case NGHTTP2_RST_STREAM.rawValue:
            session.peerResetReceived(stream: header.stream_id)
        case NGHTTP2_GOAWAY.rawValue:
            session.record(
                .goAway(code: frame.pointee.goaway.error_code, lastStreamID: frame.pointee.goaway.last_stream_id))
        case NGHTTP2_PING.rawValue:
            if ack {
                session.record(
                    .pingAck(withUnsafeBytes(of: frame.pointee.ping.opaque_data) { $0.loadUnaligned(as: UInt64.self) }))
            }
        default:
            break
        }
        return 0
    }

    static let onDataChunk: nghttp2_on_data_chunk_recv_callback = { _, _, streamID, data, length, user in
        session(user).dataReceived(stream: streamID, UnsafeBufferPointer(start: data, count: data == nil ? 0 : length))
        return 0
    }

    static let onStreamClose: nghttp2_on_stream_close_callback = { _, streamID, errorCode, user in
        let session = session(user)
        session.streamClosing(streamID, code: errorCode)
        session.record(.closed(stream: streamID, code: errorCode))
        return 0
    }

    static let onFrameSend: nghttp2_on_frame_send_callback = { _, frame, user in
        guard let frame else { return 0 }
        let header = frame.pointee.hd
        let session = session(user)
        if header.type == headersType || header.type == dataType {
            // A peer reading our DATA answers with WINDOW_UPDATEs (stream and connection) and may
            // probe bandwidth with a PING: three frames of allowance per DATA frame.
            session.frameBudget.credit(header.type == dataType ? 3 : 1)
            session.pingPolicy?.outputSent()
            if header.flags & endStreamFlag != 0 { session.endStreamSent(stream: header.stream_id) }
        } else if header.type == rstStreamType {
            session.localResetSent(stream: header.stream_id)
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
    static let readData: nghttp2_data_source_read_callback = { _, streamID, _, length, flags, _, user in
        guard let flags else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        switch session(user).nextDataFrame(stream: streamID, upTo: length) {
        case .data(let count, let end, let trailers):
            if count > 0 { flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_COPY.rawValue) }
            if end { flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_EOF.rawValue) }
            if trailers != nil { flags.pointee |= UInt32(NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue) }
            return count
        case .deferred:
            return Int(NGHTTP2_ERR_DEFERRED.rawValue)
        case .none:
            // nghttp2 resets the stream with INTERNAL_ERROR.
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
    }

    /// Writes one DATA frame that `readData` sized: the 9-byte header copied, the payload queued on
    /// the byte stream from the stream's chunks (large pieces by reference). Called inside
    /// `nghttp2_session_mem_send`, after the frames it returned earlier were written, so the
    /// order on the wire is nghttp2's. We never ask for padding.
    static let sendData: nghttp2_send_data_callback = { _, frame, header, length, _, user in
        guard let frame, let header,
            session(user).sendDataFrame(
                stream: frame.pointee.hd.stream_id, header: UnsafeBufferPointer(start: header, count: 9), length: length
            )
        else { return Int32(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
        return 0
    }
}
