import COpenSSL
import Glibc

/// Reads certificates and keys from PEM files or bytes.
enum PEMReader {
    /// All certificates in `source`, in order (the caller frees them); at least one.
    static func certificates(_ source: TLSPEMSource, what: String) throws(TLSError) -> [OpaquePointer] {
        try withBIO(source, what: what) { bio throws(TLSError) in
            var certificates: [OpaquePointer] = []
            while let certificate = PEM_read_bio_X509(bio, nil, nil, nil) {
                certificates.append(certificate)
            }
            OpenSSLErrors.clear()  // the read that ended the loop leaves "no start line"
            guard !certificates.isEmpty else {
                throw TLSError(.configuration, "\(what) \(source) holds no PEM certificate")
            }
            return certificates
        }
    }

    /// The private key in `source` (the caller frees it). Encrypted keys are refused, never prompted for.
    static func privateKey(_ source: TLSPEMSource) throws(TLSError) -> OpaquePointer {
        try withBIO(source, what: "private key") { bio throws(TLSError) in
            guard let key = PEM_read_bio_PrivateKey(bio, nil, noPassword, nil) else {
                throw TLSError(
                    .configuration,
                    "private key \(source) holds no usable PEM private key" + OpenSSLErrors.drainedSuffix())
            }
            return key
        }
    }

    private static func withBIO<R>(
        _ source: TLSPEMSource, what: String, _ body: (OpaquePointer) throws(TLSError) -> R
    ) throws(TLSError) -> R {
        switch source {
        case .file(let path):
            guard let bio = BIO_new_file(path, "r") else {
                let code = errno
                OpenSSLErrors.clear()
                throw TLSError(.configuration, "cannot read \(what) \(path): \(String(cString: strerror(code)))")
            }
            defer { BIO_free(bio) }
            return try body(bio)
        case .bytes(let bytes):
            let result: Result<R, TLSError> = bytes.withUnsafeBytes { raw in
                guard let bio = BIO_new_mem_buf(raw.baseAddress, Int32(clamping: raw.count)) else {
                    return .failure(
                        TLSError(.configuration, "cannot read \(what) from bytes" + OpenSSLErrors.drainedSuffix()))
                }
                defer { BIO_free(bio) }
                do throws(TLSError) { return .success(try body(bio)) } catch { return .failure(error) }
            }
            return try result.get()
        }
    }
}

/// Password callback that supplies none, so that an encrypted key fails instead of prompting on the terminal.
private let noPassword: @convention(c) (UnsafeMutablePointer<CChar>?, Int32, Int32, UnsafeMutableRawPointer?) -> Int32 =
    {
        _, _, _, _ in 0
    }
