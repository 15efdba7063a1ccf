import COpenSSL

/// The ciphertext side of one `SSL`: a custom BIO (one for both directions) whose callbacks read
/// what the socket received and append what OpenSSL seals to an array handed to the socket as it
/// is. It replaces OpenSSL's memory BIO pair, which zero-fills and copies every byte written into
/// it, zero-fills its whole buffer on reset, and needs a second copy into the socket's queue.
///
/// Input is borrowed where it can be (`withBorrowedInput`: the socket's read buffer is read in
/// place while the engine runs, and only an incomplete record's tail is copied); output is sealed
/// straight into `output` and handed over without a copy (`takeOutput`).
final class CiphertextPipe {
    /// Received ciphertext not yet read by OpenSSL (owned); read before `borrowed`.
    private var input: [UInt8] = []
    private var inputStart = 0
    /// The socket's bytes, lent for the duration of `withBorrowedInput`.
    private var borrowed: UnsafeRawBufferPointer?
    private var borrowedStart = 0
    /// Set once the transport ended: an empty pipe then reads as end of file, not "retry".
    var ended = false
    /// Ciphertext OpenSSL wrote and nobody took yet.
    private(set) var output: [UInt8] = []
    /// The array last handed over by `takeOutput`: once its taker let go of it, it is reused for
    /// the next output without an allocation. Kept only while it fits the traffic (at most four
    /// times the last output, or 64 KiB) and up to 1 MiB, so a quiet connection holds little.
    private var spare: [UInt8] = []

    /// The BIO; the `SSL` takes it over with `SSL_set_bio` and frees it.
    let bio: OpaquePointer

    /// - Throws: `TLSError` when OpenSSL cannot allocate the BIO.
    init() throws(TLSError) {
        guard let method = CiphertextPipe.method.pointer, let bio = BIO_new(method) else {
            throw TLSError(.protocolFailure, "cannot create the TLS transport BIO" + OpenSSLErrors.drainedSuffix())
        }
        self.bio = bio
        BIO_set_init(bio, 1)
        BIO_set_data(bio, Unmanaged.passUnretained(self).toOpaque())
    }

    /// Detaches the callbacks from this object (before the `SSL`, which owns the BIO, is freed).
    func detach() { BIO_set_data(bio, nil) }

    // MARK: - Input

    /// Received bytes not yet consumed.
    var pendingInputBytes: Int { input.count - inputStart + (borrowed.map { $0.count - borrowedStart } ?? 0) }

    /// Keeps a copy of `bytes` for OpenSSL to read (after what was received before, lent or not).
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return }
        if let lent = borrowed {
            // Bytes arriving while others are lent go after them: keep the lent rest first.
            borrowed = nil
            if borrowedStart < lent.count { append(UnsafeRawBufferPointer(rebasing: lent[borrowedStart...])) }
            borrowedStart = 0
        }
        if inputStart == input.count {
            input.removeAll(keepingCapacity: true)
            inputStart = 0
        } else if inputStart >= 64 * 1024 {
            input.removeFirst(inputStart)
            inputStart = 0
        }
        input.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Lends `bytes` to OpenSSL while `body` runs; what it did not read is copied afterwards.
    func withBorrowedInput<R, E: Error>(_ bytes: UnsafeRawBufferPointer, _ body: () throws(E) -> R) throws(E) -> R {
        guard borrowed == nil else {
            // Nested (never on the loop's read path): keep copies, in arrival order.
            append(bytes)
            return try body()
        }
        borrowed = bytes
        borrowedStart = 0
        defer {
            let lent = borrowed
            let start = borrowedStart
            borrowed = nil
            borrowedStart = 0
            if let lent, start < lent.count { append(UnsafeRawBufferPointer(rebasing: lent[start...])) }
        }
        return try body()
    }

    /// Copies up to `capacity` received bytes to `destination`; returns how many.
    fileprivate func read(into destination: UnsafeMutableRawPointer, capacity: Int) -> Int {
        var copied = 0
        let owned = input.count - inputStart
        if owned > 0 {
            let count = min(owned, capacity)
            input.withUnsafeBytes { source in
                destination.copyMemory(from: source.baseAddress! + inputStart, byteCount: count)
            }
            inputStart += count
            copied = count
        }
        if copied < capacity, let lent = borrowed, borrowedStart < lent.count {
            let count = min(lent.count - borrowedStart, capacity - copied)
            (destination + copied).copyMemory(from: lent.baseAddress! + borrowedStart, byteCount: count)
            borrowedStart += count
            copied += count
        }
        return copied
    }

    // MARK: - Output

    /// Makes room for `count` more bytes of output, so sealing a batch grows the array at most once.
    func reserveOutput(_ count: Int) {
        if output.capacity == 0 { reuseSpare() }
        let needed = output.count + count
        if needed > output.capacity { output.reserveCapacity(max(needed, 2 * output.capacity)) }
    }

    fileprivate func write(_ bytes: UnsafeRawBufferPointer) {
        if output.capacity == 0 { reuseSpare() }
        output.append(contentsOf: bytes.assumingMemoryBound(to: UInt8.self))
    }

    /// Hands over the pending output (nil when there is none).
    func takeOutput() -> [UInt8]? {
        guard !output.isEmpty else { return nil }
        let taken = output
        output = []
        let fits = taken.capacity <= max(4 * taken.count, 64 * 1024) && taken.capacity <= 1024 * 1024
        spare = fits ? taken : []
        return taken
    }

    /// Drops the pending output after `body` looked at it in place.
    func withOutput(_ body: (Span<UInt8>) -> Void) {
        guard !output.isEmpty else { return }
        output.withUnsafeBufferPointer { body($0.span) }
        output.removeAll(keepingCapacity: true)
    }

    private func reuseSpare() {
        guard spare.capacity > 0 else { return }
        output = spare
        spare = []
        // Copy-free when the previous taker released the array; a fresh allocation otherwise.
        output.removeAll(keepingCapacity: true)
    }

    // MARK: - The BIO method

    /// `BIO_METHOD` built once per process (never freed).
    private struct Method: @unchecked Sendable {
        let pointer: OpaquePointer?
    }

    private static let method: Method = {
        guard let method = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "h2rpc ciphertext") else {
            return Method(pointer: nil)
        }
        _ = BIO_meth_set_write_ex(method, writeCallback)
        _ = BIO_meth_set_read_ex(method, readCallback)
        _ = BIO_meth_set_ctrl(method, controlCallback)
        return Method(pointer: method)
    }()

    fileprivate static func of(_ bio: OpaquePointer?) -> CiphertextPipe? {
        guard let bio, let data = BIO_get_data(bio) else { return nil }
        return Unmanaged<CiphertextPipe>.fromOpaque(data).takeUnretainedValue()
    }
}

private let writeCallback:
    @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<Int>?) -> Int32 = {
        bio, data, count, written in
        cssl_bio_clear_retry_flags(bio)
        guard let pipe = CiphertextPipe.of(bio), let data else { return 0 }
        pipe.write(UnsafeRawBufferPointer(start: data, count: count))
        written?.pointee = count
        return 1
    }

private let readCallback:
    @convention(c) (OpaquePointer?, UnsafeMutablePointer<CChar>?, Int, UnsafeMutablePointer<Int>?) -> Int32 = {
        bio, destination, capacity, read in
        cssl_bio_clear_retry_flags(bio)
        guard let pipe = CiphertextPipe.of(bio), let destination else { return 0 }
        let count = capacity > 0 ? pipe.read(into: destination, capacity: capacity) : 0
        read?.pointee = count
        if count > 0 { return 1 }
        // Nothing buffered: "retry later" until the transport ended, then end of file.
        if !pipe.ended { cssl_bio_set_retry_read(bio) }
        return 0
    }

private let controlCallback: @convention(c) (OpaquePointer?, Int32, Int, UnsafeMutableRawPointer?) -> Int = {
    bio, command, _, _ in
    switch command {
    case BIO_CTRL_FLUSH: return 1  // output is handed over by takeOutput, nothing to push here
    case BIO_CTRL_PENDING: return CiphertextPipe.of(bio)?.pendingInputBytes ?? 0
    case BIO_CTRL_WPENDING: return 0
    case BIO_CTRL_EOF: return (CiphertextPipe.of(bio)?.pendingInputBytes ?? 0) == 0 ? 1 : 0
    default: return 0
    }
}
