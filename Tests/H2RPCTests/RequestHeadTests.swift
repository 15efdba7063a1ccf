import Testing
@testable import H2RPC

@Suite struct RequestHeadTests {
    static let good: [HeaderField] = [
        HeaderField(":method", "POST"), HeaderField(":scheme", "http"), HeaderField(":path", "/pkg.Svc/Do"),
        HeaderField(":authority", "localhost"), HeaderField("content-type", "application/grpc+proto"),
        HeaderField("te", "trailers"), HeaderField("grpc-timeout", "250m"), HeaderField("grpc-encoding", "gzip"),
        HeaderField("grpc-accept-encoding", "identity,deflate,gzip"), HeaderField("x-user", "ann"),
    ]

    static func replacing(_ name: String, with value: String?) -> [HeaderField] {
        var h = good.filter { $0.name != name }
        if let value { h.append(HeaderField(name, value)) }
        return h
    }

    @Test func acceptsAWellFormedRequest() throws {
        let head = try RequestHead.parse(Self.good).get()
        #expect(head.path == "/pkg.Svc/Do")
        #expect(head.contentType == "application/grpc+proto")
        #expect(head.timeout == .milliseconds(250))
        #expect(head.encoding == .gzip)
        #expect(head.responseCompression == .gzip)
        #expect(head.metadata.map(\.key) == ["x-user"])
    }

    @Test func wrongContentTypeIs415() {
        guard case .failure(let r) = RequestHead.parse(Self.replacing("content-type", with: "application/json")) else {
            Issue.record("accepted")
            return
        }
        #expect(r.httpStatus == 415)
        #expect(r.status.code == .invalidArgument)
        guard case .failure(let missing) = RequestHead.parse(Self.replacing("content-type", with: nil)) else { return }
        #expect(missing.httpStatus == 415)
    }

    @Test func missingTeTrailersIs400Internal() {
        guard case .failure(let r) = RequestHead.parse(Self.replacing("te", with: nil)) else {
            Issue.record("accepted")
            return
        }
        #expect(r.httpStatus == 400)
        #expect(r.status.code == .internal)
    }

    @Test func malformedTimeoutIs400Internal() {
        guard case .failure(let r) = RequestHead.parse(Self.replacing("grpc-timeout", with: "soon")) else {
            Issue.record("accepted")
            return
        }
        #expect(r.httpStatus == 400)
        #expect(r.status.message == "malformed grpc-timeout \"soon\"")
    }

    @Test func unsupportedEncodingIsUnimplementedListingSupported() {
        guard case .failure(let r) = RequestHead.parse(Self.replacing("grpc-encoding", with: "snappy")) else {
            Issue.record("accepted")
            return
        }
        #expect(r.httpStatus == 200)
        #expect(r.status.code == .unimplemented)
        #expect(r.extraHeaders == [HeaderField("grpc-accept-encoding", "gzip,deflate,identity")])
    }

    @Test func nonPostIs405() {
        guard case .failure(let r) = RequestHead.parse(Self.replacing(":method", with: "GET")) else { return }
        #expect(r.httpStatus == 405)
    }

    @Test func malformedPathIsUnimplemented() {
        guard case .failure(let r) = RequestHead.parse(Self.replacing(":path", with: "/nopath")) else { return }
        #expect(r.status.code == .unimplemented)
    }

    @Test func unknownServiceAndMethodMessages() {
        let known: Set = ["grpc.testing.TestService"]
        #expect(
            RequestHead.unimplemented(path: "/grpc.testing.TestService/UnimplementedCall", knownServices: known).message
                == "unknown method UnimplementedCall for service grpc.testing.TestService")
        #expect(
            RequestHead.unimplemented(
                path: "/grpc.testing.UnimplementedService/UnimplementedCall", knownServices: known
            )
            .message == "unknown service grpc.testing.UnimplementedService")
    }

    @Test func responseCompressionFollowsAcceptEncoding() throws {
        var h = Self.replacing("grpc-encoding", with: nil)
        #expect(try RequestHead.parse(h).get().responseCompression == .gzip)
        h = h.filter { $0.name != "grpc-accept-encoding" } + [HeaderField("grpc-accept-encoding", "deflate")]
        #expect(try RequestHead.parse(h).get().responseCompression == .deflate)
        h = h.filter { $0.name != "grpc-accept-encoding" }
        #expect(try RequestHead.parse(h).get().responseCompression == .identity)
    }
}

@Suite struct ResponseHeaderTests {
    @Test func trailersCarryStatusEncodedMessageAndMetadata() {
        var m = Metadata()
        m.add("x-t-bin", binary: [0xAB, 0xAB, 0xAB])
        let t = ResponseHeaders.trailers(status: .unknown, message: "100% bad", metadata: m)
        #expect(
            t == [
                HeaderField("grpc-status", "2"), HeaderField("grpc-message", "100%25 bad"),
                HeaderField("x-t-bin", "q6ur"),
            ])
        let end = ResponseStatus.parse(t)
        #expect(end.error?.code == .unknown)
        #expect(end.error?.message == "100% bad")
        #expect(end.trailingMetadata.binaryValue(forKey: "x-t-bin") == [0xAB, 0xAB, 0xAB])
    }

    @Test func okTrailersAreNoError() {
        #expect(ResponseStatus.parse([HeaderField("grpc-status", "0")]).error == nil)
    }

    @Test func missingGrpcStatusMapsHTTPStatus() {
        #expect(ResponseStatus.parse([HeaderField(":status", "503")]).error?.code == .unavailable)
        #expect(ResponseStatus.parse([HeaderField(":status", "404")]).error?.code == .unimplemented)
        #expect(ResponseStatus.parse([HeaderField(":status", "200")]).error?.code == .unknown)
        #expect(ResponseStatus.parse([]).error?.code == .unknown)
    }

    @Test func trailersOnlyPutsStatusInTheOneBlock() {
        let h = ResponseHeaders.trailersOnly(
            contentType: "application/grpc", status: .unimplemented, message: "no", metadata: Metadata())
        #expect(h.first == HeaderField(":status", "200"))
        #expect(ResponseStatus.parse(h).error == RPCError(code: .unimplemented, message: "no"))
    }

    @Test func responseHeadChecks() throws {
        let ok = try ResponseStatus.parseHead([
            HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
            HeaderField("grpc-encoding", "deflate"), HeaderField("x-a", "b"),
        ]).get()
        #expect(ok.encoding == .deflate)
        #expect(ok.metadata["x-a"] == "b")
        guard case .failure(let e1) = ResponseStatus.parseHead([HeaderField(":status", "502")]) else { return }
        #expect(e1.code == .unavailable)
        guard
            case .failure(let e2) = ResponseStatus.parseHead([
                HeaderField(":status", "200"), HeaderField("content-type", "text/html"),
            ])
        else { return }
        #expect(e2.code == .unknown)
        guard
            case .failure(let e3) = ResponseStatus.parseHead([
                HeaderField(":status", "200"), HeaderField("content-type", "application/grpc"),
                HeaderField("grpc-encoding", "br"),
            ])
        else { return }
        #expect(e3.code == .internal)
    }
}
