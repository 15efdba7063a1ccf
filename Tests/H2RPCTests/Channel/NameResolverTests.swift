import EventIO
import Synchronization
import TestSupport
import Testing
@testable import H2RPC

@Suite struct NameResolverTests {
    /// `getent ahosts NAME`: the system resolver's answer, in its order (one line per address and socket type).
    private static func getentAddresses(_ name: String) async throws -> [String] {
        let output = try await runChecked("/usr/bin/getent", ["ahosts", name])
        var addresses: [String] = []
        for line in String(decoding: output, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 2, fields[1] == "STREAM" else { continue }
            let address = String(fields[0])
            if !addresses.contains(address) { addresses.append(address) }
        }
        return addresses
    }

    @Test func localhostResolvesToEveryAddressTheSystemResolverGives() async throws {
        let expected = try await Self.getentAddresses("localhost")
        try #require(!expected.isEmpty)
        let resolved = try await RPCTarget("dns:///localhost:50051").resolve()
        var hosts: [String] = []
        for address in resolved {
            switch address {
            case .ipv4(let host, let port), .ipv6(let host, let port):
                #expect(port == 50051)
                hosts.append(host)
            default:
                Issue.record("not an IP address: \(address)")
            }
        }
        #expect(hosts == expected)
    }

    @Test func numericAddressesResolveToThemselves() async throws {
        #expect(try await RPCTarget("[::1]:8").resolve() == [.ipv6(host: "::1", port: 8)])
        #expect(try await RPCTarget("127.0.0.1:8").resolve() == [.ipv4(host: "127.0.0.1", port: 8)])
        #expect(
            try await RPCTarget("ipv4:127.0.0.1:1,127.0.0.2:2").resolve() == [
                .ipv4(host: "127.0.0.1", port: 1), .ipv4(host: "127.0.0.2", port: 2),
            ])
    }

    @Test func unknownNameIsHostNotFound() async throws {
        // .invalid is reserved (RFC 6761): never resolves.
        let target = try RPCTarget("dns:///no-such-host.invalid:1")
        do {
            let addresses = try await target.resolve()
            Issue.record("resolved to \(addresses)")
        } catch {
            #expect(error.kind == .hostNotFound || error.kind == .temporaryFailure, "\(error)")
            #expect(error.host == "no-such-host.invalid")
            #expect(error.rpcError.code == .unavailable)
        }
    }

    @Test func dnsServerAuthorityIsUnsupported() async throws {
        let target = try RPCTarget("dns://8.8.8.8/localhost:1")
        do {
            _ = try await target.resolve()
            Issue.record("resolved")
        } catch {
            #expect(error.kind == .unsupported)
        }
    }

    @Test func cancelledTaskEndsTheWaitWithCancelled() async {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await RPCTarget("dns:///localhost:1").resolve()
        }
        do {
            _ = try await task.value
            Issue.record("resolved although cancelled")
        } catch let error as NameResolutionError {
            #expect(error.kind == .cancelled)
        } catch {
            Issue.record("\(error)")
        }
    }

    // MARK: Re-resolution, with time driven by the test

    /// A sleep that returns when the test releases it, recording the requested durations.
    final class ManualSleeper: Sendable {
        private let state = LockedValue<(requested: [Duration], waiters: [CheckedContinuation<Void, any Error>])>(
            ([], []))
        private let (arrivals, arrivalSink) = AsyncStream.makeStream(of: Duration.self)

        var sleep: @Sendable (Duration) async throws -> Void {
            { duration in
                try await withCheckedThrowingContinuation { c in
                    self.state.withLock {
                        $0.requested.append(duration)
                        $0.waiters.append(c)
                    }
                    self.arrivalSink.yield(duration)
                }
            }
        }

        /// Waits until someone sleeps, and returns how long they asked for.
        func nextSleep() async -> Duration? {
            var iterator = arrivals.makeAsyncIterator()
            return await iterator.next()
        }

        /// Ends the oldest sleep.
        func wake() {
            let waiter = state.withLock { $0.waiters.isEmpty ? nil : $0.waiters.removeFirst() }
            waiter?.resume()
        }

        /// Ends every sleep with cancellation.
        func cancelAll() {
            let waiters = state.withLock { s in
                defer { s.waiters = [] }
                return s.waiters
            }
            for w in waiters { w.resume(throwing: CancellationError()) }
        }
    }

    /// A lookup that returns the next scripted answer and counts calls.
    final class ScriptedLookup: Sendable {
        private let answers: LockedValue<[NameResolver.Update]>
        private let count = Atomic<Int>(0)
        init(_ answers: [NameResolver.Update]) { self.answers = LockedValue(answers) }
        var calls: Int { count.load(ordering: .relaxed) }
        var lookUp: @Sendable () async throws(NameResolutionError) -> [ResolvedAddress] {
            { () throws(NameResolutionError) in
                self.count.add(1, ordering: .relaxed)
                let answer = self.answers.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
                return try answer.get()
            }
        }
    }

    static let a = ResolvedAddress.ipv4(host: "10.0.0.1", port: 1)
    static let b = ResolvedAddress.ipv6(host: "::2", port: 1)

    @Test func resolvesAgainOnRequestAfterTheMinimumInterval() async throws {
        let lookup = ScriptedLookup([.success([Self.a]), .success([Self.a, Self.b])])
        let sleeper = ManualSleeper()
        let resolver = NameResolver(
            target: .addresses([]), configuration: .init(minimumInterval: .seconds(30)), lookUp: lookup.lookUp,
            sleep: sleeper.sleep)
        var updates = resolver.updates().makeAsyncIterator()
        #expect(try await updates.next()?.get() == [Self.a])
        #expect(await sleeper.nextSleep() == .seconds(30))  // the rate limit before honouring requests
        resolver.resolveNow()
        resolver.resolveNow()  // merged with the first
        sleeper.wake()
        #expect(try await updates.next()?.get() == [Self.a, Self.b])
        #expect(await sleeper.nextSleep() == .seconds(30))
        #expect(lookup.calls == 2)
        sleeper.cancelAll()
        #expect(await updates.next() == nil)  // the loop ends when its wait is cancelled
    }

    @Test func resolvesAgainAtTheRefreshInterval() async throws {
        let lookup = ScriptedLookup([.success([Self.a]), .success([Self.b])])
        let sleeper = ManualSleeper()
        let resolver = NameResolver(
            target: .addresses([]), configuration: .init(refreshInterval: .seconds(300), minimumInterval: .seconds(30)),
            lookUp: lookup.lookUp, sleep: sleeper.sleep)
        var updates = resolver.updates().makeAsyncIterator()
        #expect(try await updates.next()?.get() == [Self.a])
        #expect(await sleeper.nextSleep() == .seconds(30))
        sleeper.wake()
        #expect(await sleeper.nextSleep() == .seconds(270))  // the rest of the refresh interval
        sleeper.wake()
        #expect(try await updates.next()?.get() == [Self.b])
        #expect(await sleeper.nextSleep() == .seconds(30))
        sleeper.cancelAll()
    }

    @Test func failedLookupsAreRetriedWithGrowingBackoff() async throws {
        let failure = NameResolutionError(.temporaryFailure, host: "h", message: "try again")
        let lookup = ScriptedLookup([.failure(failure), .failure(failure), .success([Self.a])])
        let sleeper = ManualSleeper()
        let resolver = NameResolver(
            target: .addresses([]), configuration: .init(minimumInterval: .zero, initialFailureBackoff: .seconds(1)),
            lookUp: lookup.lookUp, sleep: sleeper.sleep)
        var updates = resolver.updates().makeAsyncIterator()
        #expect(await updates.next() == .failure(failure))
        #expect(await sleeper.nextSleep() == .seconds(1))
        sleeper.wake()
        #expect(await updates.next() == .failure(failure))
        #expect(await sleeper.nextSleep() == .milliseconds(1600))
        sleeper.wake()
        #expect(try await updates.next()?.get() == [Self.a])
        #expect(lookup.calls == 3)
        resolver.resolveNow()
        #expect(try await updates.next()?.get() == [Self.a])  // no minimum interval: at once
    }
}
