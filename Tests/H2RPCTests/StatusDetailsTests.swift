import Testing
@testable import H2RPC

/// `grpc-status-details-bin` read and written by ResponseStatus. Expected bytes come from Python
/// protobuf (google.rpc.Status(code=3, message="bad name", details=[Any.Pack(BadRequest(
/// field_violations=[FieldViolation(field="name", description="empty")]))]), base64-encoded).
@Suite struct StatusDetailsTests {
    static let pythonStatus =
        "CAMSCGJhZCBuYW1lGjwKKXR5cGUuZ29vZ2xlYXBpcy5jb20vZ29vZ2xlLnJwYy5CYWRSZXF1ZXN0Eg8KDQoEbmFtZRIFZW1wdHk="
    /// The same status with code 5 (NOT_FOUND).
    static let pythonStatusCode5 =
        "CAUSCGJhZCBuYW1lGjwKKXR5cGUuZ29vZ2xlYXBpcy5jb20vZ29vZ2xlLnJwYy5CYWRSZXF1ZXN0Eg8KDQoEbmFtZRIFZW1wdHk="
    static let badRequestBytes: [UInt8] = [10, 13, 10, 4, 110, 97, 109, 101, 18, 5, 101, 109, 112, 116, 121]
    static let badRequest = RPCError.Detail(
        typeURL: "type.googleapis.com/google.rpc.BadRequest", value: badRequestBytes)

    func trailers(status: String, details: String?) -> [HeaderField] {
        var h = [HeaderField("grpc-status", status), HeaderField("grpc-message", "bad%20name")]
        if let details { h.append(HeaderField("grpc-status-details-bin", details)) }
        return h
    }

    @Test func readsDetailsThatAgreeWithTheStatus() throws {
        let end = ResponseStatus.parse(trailers(status: "3", details: Self.pythonStatus))
        let error = try #require(end.error)
        #expect(error.code == .invalidArgument)
        #expect(error.message == "bad name")
        #expect(error.details == [Self.badRequest])
        #expect(error.details.first?.typeName == "google.rpc.BadRequest")
        // The reserved trailer is not handed to the application as metadata.
        #expect(error.trailingMetadata.isEmpty)
    }

    @Test func unpaddedBase64IsReadToo() throws {
        let unpadded = String(Self.pythonStatus.dropLast())  // its one "=" of padding
        #expect(
            try #require(ResponseStatus.parse(trailers(status: "3", details: unpadded)).error).details == [
                Self.badRequest
            ])
    }

    @Test func writesTheSameBytesPythonDoes() throws {
        let field = try #require(
            ResponseStatus.detailsHeader(code: .invalidArgument, message: "bad name", details: [Self.badRequest]))
        #expect(field.name == "grpc-status-details-bin")
        // Ours is unpadded (as every -bin value we send); the bytes are Python's.
        #expect(Base64.decode(field.value[...]) == Base64.decode(Self.pythonStatus[...]))
        #expect(ResponseStatus.detailsHeader(code: .invalidArgument, message: "x", details: []) == nil)
    }

    @Test func trailersCarryDetailsOnlyForErrorsWithDetails() {
        let withDetails = ResponseHeaders.trailers(
            status: .invalidArgument, message: "bad name", metadata: Metadata(), details: [Self.badRequest])
        #expect(withDetails.contains { $0.name == "grpc-status-details-bin" })
        let without = ResponseHeaders.trailers(status: .invalidArgument, message: "bad name", metadata: Metadata())
        #expect(!without.contains { $0.name == "grpc-status-details-bin" })
    }

    // Bad input: a status that disagrees with grpc-status, or bytes that are not a Status, leave
    // the trailers' code and message and drop the details; never a crash.
    @Test func mismatchedCodeDropsTheDetails() throws {
        let error = try #require(ResponseStatus.parse(trailers(status: "3", details: Self.pythonStatusCode5)).error)
        #expect(error.code == .invalidArgument)
        #expect(error.message == "bad name")
        #expect(error.details.isEmpty)
    }

    @Test(arguments: ["not base64!", "CAMSCGJhZCBuYW1l/w", "", "////"])
    func undecodableDetailsAreDropped(_ value: String) throws {
        let error = try #require(ResponseStatus.parse(trailers(status: "3", details: value)).error)
        #expect(error.code == .invalidArgument)
        #expect(error.details.isEmpty)
    }

    @Test func okStatusIgnoresDetails() {
        #expect(ResponseStatus.parse(trailers(status: "0", details: Self.pythonStatus)).error == nil)
    }

    @Test func detailPacksAndUnpacksByTypeName() throws {
        let health = HealthCheckRequest(service: "svc")
        let detail = RPCError.Detail(packing: health, typeName: "grpc.health.v1.HealthCheckRequest")
        #expect(detail.typeURL == "type.googleapis.com/grpc.health.v1.HealthCheckRequest")
        #expect(try detail.unpack(HealthCheckRequest.self, typeName: "grpc.health.v1.HealthCheckRequest") == health)
        #expect(try detail.unpack(HealthCheckRequest.self, typeName: "other.Type") == nil)
        #expect(RPCError.Detail(typeURL: "NoSlash", value: []).typeName == "NoSlash")
    }
}
