import EventIO
import H2
import Testing
@testable import H2RPC

@Suite struct HealthServiceTests {
    let group: EventLoopGroup
    init() throws { group = try EventLoopGroup(loopCount: 1) }

    func call(
        _ health: HealthService, _ path: String, _ request: HealthCheckRequest
    ) async -> (ServerStream, RecordingStreamIO) {
        let core = ServerCore(services: [health], interceptors: [], configuration: .init())
        let io = RecordingStreamIO()
        let stream = ServerStream(loop: group.next(), core: core, io: io)
        var bytes = request.serializedBytes(headroom: 5)
        MessageFramer.writePrefix(into: &bytes, compressed: false)
        let payload = bytes
        await onLoop(stream.loop) {
            stream.receivedHeaders(requestHeaders(path), endStream: false)
            payload.withUnsafeBytes { stream.receivedData($0) }
            stream.receivedEnd()
        }
        return (stream, io)
    }

    // Wire bytes per protobuf's encoding rules: field 1 varint 1 → 08 01; field 1 "echo" → 0A 04 'echo'.
    @Test func messagesEncodeAsTheProtoSays() throws {
        #expect(HealthCheckResponse(status: .serving).serializedBytes() == [0x08, 0x01])
        #expect(HealthCheckRequest(service: "echo").serializedBytes() == [0x0A, 0x04, 0x65, 0x63, 0x68, 0x6F])
        #expect(try HealthCheckResponse(serializedBytes: [0x08, 0x03]).status == .serviceUnknown)
    }

    @Test func checkReportsKnownStatusesAndNotFound() async throws {
        let health = HealthService()
        health.setStatus(.notServing, for: "echo.Echo")
        let (_, io1) = await call(health, "/grpc.health.v1.Health/Check", HealthCheckRequest())
        #expect(try #require(await io1.waitForEnd()).error == nil)
        #expect(try HealthCheckResponse(serializedBytes: io1.messages()[0].bytes).status == .serving)
        let (_, io2) = await call(health, "/grpc.health.v1.Health/Check", HealthCheckRequest(service: "echo.Echo"))
        _ = await io2.waitForEnd()
        #expect(try HealthCheckResponse(serializedBytes: io2.messages()[0].bytes).status == .notServing)
        let (_, io3) = await call(health, "/grpc.health.v1.Health/Check", HealthCheckRequest(service: "nope"))
        #expect(try #require(await io3.waitForEnd()).error?.code == .notFound)
    }

    @Test func watchSendsCurrentStatusThenChanges() async throws {
        let health = HealthService()
        let (stream, io) = await call(health, "/grpc.health.v1.Health/Watch", HealthCheckRequest(service: "svc"))
        func statuses() throws -> [HealthCheckResponse.ServingStatus?] {
            try io.messages().map { try HealthCheckResponse(serializedBytes: $0.bytes).status }
        }
        for _ in 0..<200 where try statuses().count < 1 { try await Task.sleep(for: .milliseconds(5)) }
        health.setStatus(.serving, for: "svc")
        for _ in 0..<200 where try statuses().count < 2 { try await Task.sleep(for: .milliseconds(5)) }
        health.setStatus(.notServing, for: "svc")
        for _ in 0..<200 where try statuses().count < 3 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(try statuses() == [.serviceUnknown, .serving, .notServing])
        await onLoop(stream.loop) { stream.receivedReset(code: .cancel) }
    }
}
