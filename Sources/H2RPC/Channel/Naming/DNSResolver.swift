import Dispatch
import Glibc
import Synchronization

/// Host name resolution with the system resolver (getaddrinfo), run on a Dispatch worker thread so
/// that it never blocks an event loop or a task's thread.
enum DNSResolver {
    /// Every IPv4 and IPv6 address of `host`, in getaddrinfo's order (RFC 6724 sorting, as
    /// configured in /etc/gai.conf), duplicates removed, each with `port`.
    ///
    /// Cancelling the task ends the wait at once with `.cancelled`; the lookup itself finishes in
    /// the background and its result is dropped.
    static func resolve(host: String, port: Int) async throws(NameResolutionError) -> [ResolvedAddress] {
        let box = ResolutionBox()
        let result = await withTaskCancellationHandler {
            await withCheckedContinuation {
                (continuation: CheckedContinuation<Result<[ResolvedAddress], NameResolutionError>, Never>) in
                guard box.install(continuation) else {
                    continuation.resume(
                        returning: .failure(NameResolutionError(.cancelled, host: host, message: "cancelled")))
                    return
                }
                DispatchQueue.global().async {
                    box.finish(lookUp(host: host, port: port))
                }
            }
        } onCancel: {
            box.finish(.failure(NameResolutionError(.cancelled, host: host, message: "cancelled")))
        }
        return try result.get()
    }

    /// The blocking getaddrinfo call and the conversion of its list.
    static func lookUp(host: String, port: Int) -> Result<[ResolvedAddress], NameResolutionError> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        guard status == 0 else {
            let message = String(cString: gai_strerror(status))
            let kind: NameResolutionError.Kind
            switch status {
            case EAI_NONAME, -5: kind = .hostNotFound  // -5: EAI_NODATA, which Glibc hides without _GNU_SOURCE
            case EAI_AGAIN: kind = .temporaryFailure
            default: kind = .system(status)
            }
            return .failure(NameResolutionError(kind, host: host, message: message))
        }
        defer { freeaddrinfo(list) }
        var addresses: [ResolvedAddress] = []
        var entry = list
        while let info = entry?.pointee {
            entry = info.ai_next
            guard let sockaddr = info.ai_addr else { continue }
            var text = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            guard getnameinfo(sockaddr, info.ai_addrlen, &text, socklen_t(text.count), nil, 0, NI_NUMERICHOST) == 0
            else {
                continue
            }
            let numeric = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let address: ResolvedAddress
            switch info.ai_family {
            case AF_INET: address = .ipv4(host: numeric, port: port)
            case AF_INET6: address = .ipv6(host: numeric, port: port)
            default: continue
            }
            if !addresses.contains(address) { addresses.append(address) }
        }
        guard !addresses.isEmpty else {
            return .failure(NameResolutionError(.noAddresses, host: host, message: "no IPv4 or IPv6 address"))
        }
        return .success(addresses)
    }
}

/// The continuation of one lookup, resumed once: by the lookup or by cancellation, whichever is first.
private final class ResolutionBox: Sendable {
    private enum State {
        case waiting
        case installed(CheckedContinuation<Result<[ResolvedAddress], NameResolutionError>, Never>)
        case done
    }
    private let state = Mutex(State.waiting)

    /// Stores the continuation; false when cancellation already came.
    func install(_ continuation: CheckedContinuation<Result<[ResolvedAddress], NameResolutionError>, Never>) -> Bool {
        state.withLock { state in
            guard case .waiting = state else { return false }
            state = .installed(continuation)
            return true
        }
    }

    func finish(_ result: Result<[ResolvedAddress], NameResolutionError>) {
        let continuation = state.withLock {
            state -> CheckedContinuation<Result<[ResolvedAddress], NameResolutionError>, Never>? in
            switch state {
            case .waiting:
                state = .done
                return nil
            case .installed(let continuation):
                state = .done
                return continuation
            case .done:
                return nil
            }
        }
        continuation?.resume(returning: result)
    }
}
