import Foundation
import H2RPC
import H2RPCProfiling
import TestSupport
import Testing

/// Everything that takes a CPU profile: the profiler is one per process, so these run one at a time.
@Suite(.serialized)
struct ProfilerTests {
    /// Starts a server with the busy service and the profiler, runs `body`, then stops both.
    func withProfiledServer(_ body: (BusyService, RPCChannel) async throws -> Void) async throws {
        try await withProfiledServerAndPort { busy, channel, _ in try await body(busy, channel) }
    }

    func withProfiledServerAndPort(_ body: (BusyService, RPCChannel, Int) async throws -> Void) async throws {
        var config = RPCServer.Configuration()
        config.loopCount = 1
        config.httpRoutes = [.pprof]
        let busy = BusyService()
        let server = RPCServer(services: [busy, ProfilerService()], configuration: config)
        let port = try await server.start(host: "127.0.0.1", port: 0)
        var channelConfig = RPCChannel.Configuration()
        channelConfig.maxReceiveMessageSize = 64 << 20
        let channel = try RPCChannel(target: "127.0.0.1:\(port)", configuration: channelConfig)
        do {
            try await body(busy, channel, port)
        } catch {
            busy.stopAll()
            await channel.close()
            await server.shutdown(gracePeriod: .seconds(5))
            throw error
        }
        busy.stopAll()
        await channel.close()
        await server.shutdown(gracePeriod: .seconds(5))
    }

    @Test func goToolPprofFindsTheBusyHandlersFunction() async throws {
        try await withProfiledServer { busy, channel in
            let burn = Task {
                try await channel.unary(
                    path: BusyService.path, request: H2rpc_Debug_V1_CpuProfileRequest(),
                    as: H2rpc_Debug_V1_CpuProfileResponse.self)
            }
            var started = busy.started.makeAsyncIterator()
            let thread = try #require(await started.next())
            let client = H2rpc_Debug_V1_Profiler.Client(channel: channel)
            let response = try await client.cpuProfile(H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = 1 })
            burn.cancel()
            _ = try? await burn.value

            let file = ToolProcess.temporaryURL("cpu.pb.gz")
            try Data(response.profile).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let go = try #require(ToolProcess.go, "\(ToolMissing(name: "go (golang-go)"))")
            // The burning thread's samples (each sample is labelled with its thread): whatever else
            // the process did meanwhile, their top entry is the busy function.
            let outcome = try await ToolProcess.run(
                go, ["tool", "pprof", "-top", "-tagfocus=thread=^\(thread)$", file.path])
            let text = outcome.text
            #expect(outcome.status == 0, "go tool pprof failed: \(text)")
            // `-top` lists the functions by flat CPU time after a header that ends with the column names.
            let lines = text.split(separator: "\n")
            let header = try #require(lines.firstIndex { $0.contains("flat%") }, "no table in: \(text)")
            let top = try #require(lines.dropFirst(header + 1).first, "no entries in: \(text)")
            #expect(top.contains("profilingTestBurnCPU"), "busy function not the top entry:\n\(text)")
            // The whole process's profile has it too.
            let all = try await ToolProcess.run(go, ["tool", "pprof", "-top", file.path])
            #expect(all.text.contains("profilingTestBurnCPU"), "\(all.text)")
        }
    }

    @Test func h2rpcPprofWritesTheProfileAndAFlameGraph() async throws {
        try await withProfiledServerAndPort { busy, channel, port in
            let burn = Task {
                try await channel.unary(
                    path: BusyService.path, request: H2rpc_Debug_V1_CpuProfileRequest(),
                    as: H2rpc_Debug_V1_CpuProfileResponse.self)
            }
            var started = busy.started.makeAsyncIterator()
            _ = await started.next()
            let command = try #require(ToolProcess.pprofCommand, "h2rpc-pprof is not built beside the tests")
            let file = ToolProcess.temporaryURL("cpu.pb.gz")
            let svg = ToolProcess.temporaryURL("cpu.svg")
            defer {
                try? FileManager.default.removeItem(at: file)
                try? FileManager.default.removeItem(at: svg)
            }
            let outcome = try await ToolProcess.run(
                command, ["--target", "127.0.0.1:\(port)", "--seconds", "1", "--out", file.path, "--svg", svg.path])
            burn.cancel()
            _ = try? await burn.value
            #expect(outcome.status == 0, "\(outcome.text)")
            let profile = try Perftools_Profiles_Profile(pprofData: [UInt8](try Data(contentsOf: file)))
            #expect(
                profile.sampleType.map { [profile.stringTable[Int($0.type)], profile.stringTable[Int($0.unit)]] }
                    == [["samples", "count"], ["cpu", "nanoseconds"]])
            #expect(profile.period == 10_000_000)
            let graph = try String(contentsOf: svg, encoding: .utf8)
            #expect(graph.contains("profilingTestBurnCPU"))
        }
    }

    @Test func h2rpcPprofReportsAnUnreachableServer() async throws {
        let command = try #require(ToolProcess.pprofCommand, "h2rpc-pprof is not built beside the tests")
        let file = ToolProcess.temporaryURL("never.pb.gz")
        // Port 1 on loopback: nothing listens there.
        let outcome = try await ToolProcess.run(
            command, ["--target", "127.0.0.1:1", "--seconds", "1", "--out", file.path])
        #expect(outcome.status != 0)
        #expect(outcome.text.contains("UNAVAILABLE"), "\(outcome.text)")
        #expect(!FileManager.default.fileExists(atPath: file.path))
    }

    /// `curl --http2-prior-knowledge` on `/debug/pprof/profile`: what Go's pprof users fetch.
    func curl(
        port: Int, _ pathAndQuery: String, method: String = "GET", to file: URL
    ) async throws -> (status: Int, body: Data) {
        let curl = try #require(ToolProcess.curl, "\(ToolMissing(name: "curl"))")
        let outcome = try await ToolProcess.run(
            curl,
            [
                "--http2-prior-knowledge", "-s", "-X", method, "-o", file.path, "-w", "%{http_code}",
                "http://127.0.0.1:\(port)\(pathAndQuery)",
            ])
        #expect(outcome.status == 0, "curl: \(outcome.text)")
        return (Int(outcome.text) ?? -1, (try? Data(contentsOf: file)) ?? Data())
    }

    @Test func httpGetDebugPprofProfileServesWhatGoToolPprofReads() async throws {
        try await withProfiledServerAndPort { busy, channel, port in
            let burn = Task {
                try await channel.unary(
                    path: BusyService.path, request: H2rpc_Debug_V1_CpuProfileRequest(),
                    as: H2rpc_Debug_V1_CpuProfileResponse.self)
            }
            var started = busy.started.makeAsyncIterator()
            _ = await started.next()
            let file = ToolProcess.temporaryURL("http.pb.gz")
            defer { try? FileManager.default.removeItem(at: file) }
            let (status, _) = try await curl(port: port, "/debug/pprof/profile?seconds=1", to: file)
            burn.cancel()
            _ = try? await burn.value
            #expect(status == 200)
            let go = try #require(ToolProcess.go, "\(ToolMissing(name: "go (golang-go)"))")
            let outcome = try await ToolProcess.run(go, ["tool", "pprof", "-top", file.path])
            #expect(outcome.status == 0, "go tool pprof failed: \(outcome.text)")
            #expect(outcome.text.contains("profilingTestBurnCPU"), "\(outcome.text)")
            // gRPC still works beside the route.
            let error = await #expect(throws: RPCError.self) {
                _ = try await H2rpc_Debug_V1_Profiler.Client(channel: channel).cpuProfile(
                    H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = 999 })
            }
            #expect(error?.code == .invalidArgument)
        }
    }

    @Test func httpBadRequestsGetTheirStatus() async throws {
        try await withProfiledServerAndPort { _, _, port in
            let file = ToolProcess.temporaryURL("http-error.txt")
            defer { try? FileManager.default.removeItem(at: file) }
            let cases: [(String, String, Int, String)] = [
                ("GET", "/debug/pprof/heap", 404, "/debug/pprof/heap is not served"),
                ("POST", "/debug/pprof/profile?seconds=1", 405, "POST is not allowed"),
                ("GET", "/debug/pprof/profile?seconds=ten", 400, "seconds and hz must be whole numbers"),
                ("GET", "/debug/pprof/profile?seconds=301", 400, "seconds 301 is outside 1...300"),
                ("GET", "/debug/pprof/profile?seconds=1&hz=5000", 400, "frequency 5000 Hz is outside 1...1000"),
            ]
            for (method, path, expected, message) in cases {
                let (status, body) = try await curl(port: port, path, method: method, to: file)
                #expect(status == expected, "\(method) \(path)")
                #expect(String(decoding: body, as: UTF8.self).contains(message), "\(method) \(path)")
            }
            let local = try CPUProfileSession()
            defer { _ = local.stop() }
            let (status, body) = try await curl(port: port, "/debug/pprof/profile?seconds=1", to: file)
            #expect(status == 409)
            #expect(String(decoding: body, as: UTF8.self).contains("already being taken"))
        }
    }

    @Test func anHTTPClientThatGoesAwayCancelsItsProfile() async throws {
        try await withProfiledServerAndPort { _, _, port in
            let curl = try #require(ToolProcess.curl, "\(ToolMissing(name: "curl"))")
            // curl gives up after 0.3 s (exit 28) and resets the stream of a 300 s profile.
            let outcome = try await ToolProcess.run(
                curl,
                [
                    "--http2-prior-knowledge", "-s", "--max-time", "0.3", "-o", "/dev/null",
                    "http://127.0.0.1:\(port)/debug/pprof/profile?seconds=300",
                ])
            #expect(outcome.status == 28)
        }
        // The route's task was cancelled: its profile stops (rather than running 300 s).
        try await withTimeout(60, "the cancelled HTTP profile to stop") { await CPUProfiler.waitUntilIdle() }
        let next = try CPUProfileSession()
        _ = next.stop()
    }

    @Test func aSecondProfileWhileOneRunsIsRefused() throws {
        let first = try CPUProfileSession(frequency: 100)
        #expect(throws: ProfilingError.busy) { _ = try CPUProfileSession(frequency: 100) }
        _ = first.stop()
        // Stopped: the next one may start.
        let second = try CPUProfileSession(frequency: 100)
        _ = second.stop()
    }

    @Test func aSecondProfileRequestIsResourceExhausted() async throws {
        try await withProfiledServer { _, channel in
            let local = try CPUProfileSession()
            defer { _ = local.stop() }
            let client = H2rpc_Debug_V1_Profiler.Client(channel: channel)
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.cpuProfile(H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = 1 })
            }
            #expect(error?.code == .resourceExhausted)
            #expect(error?.message.contains("already being taken") == true)
        }
    }

    @Test func outOfRangeRequestsAreInvalidArgument() async throws {
        try await withProfiledServer { _, channel in
            let client = H2rpc_Debug_V1_Profiler.Client(channel: channel)
            for request in [
                H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = 301 },
                H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = -1 },
                H2rpc_Debug_V1_CpuProfileRequest.with {
                    $0.seconds = 1; $0.frequencyHz = 5000
                },
            ] {
                let error = await #expect(throws: RPCError.self) { _ = try await client.cpuProfile(request) }
                #expect(error?.code == .invalidArgument, "\(request)")
            }
        }
    }

    @Test func cancellingAProfileStopsSamplingAndThrowsCancelled() async throws {
        let task = Task { try await CPUProfiler.profile(for: .seconds(3600)) }
        task.cancel()
        let error = await #expect(throws: ProfilingError.self) { _ = try await task.value }
        #expect(error == .cancelled)
        // The timer and its buffer are released: a new profile may start.
        let next = try CPUProfileSession()
        _ = next.stop()
    }

    @Test func aCallsDeadlineCancelsItsProfileOnTheServer() async throws {
        try await withProfiledServer { _, channel in
            let client = H2rpc_Debug_V1_Profiler.Client(channel: channel)
            let error = await #expect(throws: RPCError.self) {
                _ = try await client.cpuProfile(
                    H2rpc_Debug_V1_CpuProfileRequest.with { $0.seconds = 300 },
                    options: CallOptions(timeout: .milliseconds(200)))
            }
            #expect(error?.code == .deadlineExceeded)
        }
        // The handler's profile stops (rather than running 300 s) and releases the profiler.
        try await withTimeout(60, "the cancelled gRPC profile to stop") { await CPUProfiler.waitUntilIdle() }
        let next = try CPUProfileSession()
        _ = next.stop()
    }

    @Test func badArgumentsAreRefused() async throws {
        #expect(throws: ProfilingError.invalidArgument("frequency 0 Hz is outside 1...1000")) {
            _ = try CPUProfileSession(frequency: 0)
        }
        await #expect(throws: ProfilingError.self) { _ = try await CPUProfiler.profile(for: .zero) }
        await #expect(throws: ProfilingError.invalidArgument("frequency \(Int.max) Hz is outside 1...1000")) {
            _ = try await CPUProfiler.profile(for: .seconds(1), frequency: .max)
        }
        #expect(throws: ProfilingError.invalidArgument("maxSamples 0 is outside 1...10000000")) {
            _ = try CPUProfileSession(maxSamples: 0)
        }
    }
}
