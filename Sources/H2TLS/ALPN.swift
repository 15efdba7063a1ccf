import COpenSSL

/// ALPN: clients offer `h2`; servers select it and refuse, with the `no_application_protocol`
/// alert, a client that offers no ALPN or a list without `h2`.
enum ALPN {
    /// What a server refused, recorded on the engine for the error message.
    enum Refusal: Equatable {
        case noExtension
        case offered([String])
    }

    static let h2: [UInt8] = [0x68, 0x32]

    /// `SSL_set_ex_data` slot holding the engine (unretained: the engine owns the `SSL`).
    static let engineSlot: Int32 = cssl_get_ex_new_index()

    /// Sets the client's offer (`h2` alone in real use; an empty list sends no ALPN). True on success.
    static func offer(_ protocols: [String], _ ctx: OpaquePointer) -> Bool {
        guard !protocols.isEmpty else { return true }
        let wire = protocols.flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) }
        return SSL_CTX_set_alpn_protos(ctx, wire, UInt32(wire.count)) == 0  // 0 means success here
    }

    static func installServerCallbacks(_ ctx: OpaquePointer) {
        SSL_CTX_set_client_hello_cb(ctx, clientHelloCallback, nil)
        SSL_CTX_set_alpn_select_cb(ctx, selectCallback, nil)
    }

    /// The protocol names in an ALPN wire list (length byte, bytes, repeated).
    static func names(_ list: UnsafeBufferPointer<UInt8>) -> [String] {
        var names: [String] = []
        var index = 0
        while index < list.count {
            let length = Int(list[index])
            guard index + 1 + length <= list.count else { break }
            names.append(
                String(decoding: UnsafeBufferPointer(rebasing: list[(index + 1)..<(index + 1 + length)]), as: UTF8.self)
            )
            index += 1 + length
        }
        return names
    }

    static func record(_ refusal: Refusal, on ssl: OpaquePointer?) {
        guard let ssl, let engine = SSL_get_ex_data(ssl, engineSlot) else { return }
        Unmanaged<TLSEngine>.fromOpaque(engine).takeUnretainedValue().alpnRefusal = refusal
    }
}

/// Refuses a ClientHello without the ALPN extension (the select callback only runs when there is one).
private let clientHelloCallback:
    @convention(c) (OpaquePointer?, UnsafeMutablePointer<Int32>?, UnsafeMutableRawPointer?) -> Int32 = {
        ssl, alert, _ in
        var data: UnsafePointer<UInt8>?
        var length = 0
        if SSL_client_hello_get0_ext(ssl, UInt32(CSSL_TLSEXT_TYPE_ALPN), &data, &length) == 1 {
            return SSL_CLIENT_HELLO_SUCCESS
        }
        ALPN.record(.noExtension, on: ssl)
        alert?.pointee = CSSL_AD_NO_APPLICATION_PROTOCOL
        return SSL_CLIENT_HELLO_ERROR
    }

/// Selects `h2` from the client's list, or ends the handshake with `no_application_protocol`.
private let selectCallback:
    @convention(c) (
        OpaquePointer?, UnsafeMutablePointer<UnsafePointer<UInt8>?>?, UnsafeMutablePointer<UInt8>?,
        UnsafePointer<UInt8>?,
        UInt32, UnsafeMutableRawPointer?
    ) -> Int32 = { ssl, out, outLength, input, inputLength, _ in
        let list = UnsafeBufferPointer(start: input, count: Int(inputLength))
        var index = 0
        while index < list.count {
            let length = Int(list[index])
            if length == 2, index + 3 <= list.count, list[index + 1] == ALPN.h2[0], list[index + 2] == ALPN.h2[1] {
                out?.pointee = input.map { $0 + index + 1 }
                outLength?.pointee = 2
                return SSL_TLSEXT_ERR_OK
            }
            index += 1 + length
        }
        ALPN.record(.offered(ALPN.names(list)), on: ssl)
        return SSL_TLSEXT_ERR_ALERT_FATAL
    }
