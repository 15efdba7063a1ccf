import H2RPC
import H2RPCRichErrors
import Testing

/// Rich errors (google.rpc.Status details in grpc-status-details-bin) over real sockets: ours
/// both ways, and with Python grpcio-status (rpc_status.from_call / to_status) both ways.
@Suite struct RichErrorTests {
    @Test func ourServerToOurClientTrailersOnly() async throws {
        try await withServer([RichErrorService()]) { _, channel, _ in
            let error = try #require(
                await rpcError {
                    _ = try await channel.unary(
                        path: "/richerrors.Test/Fail", request: HealthCheckRequest(), as: HealthCheckRequest.self)
                })
            #expect(error == RichErrorService.error)
            #expect(try error.errorDetails() == RichErrorService.error.errorDetails())
            #expect(try error.firstDetail(Google_Rpc_ErrorInfo.self)?.reason == "EMPTY_NAME")
            #expect(try error.firstDetail(Google_Rpc_RetryInfo.self) == nil)
            #expect(error.trailingMetadata["x-request-id"] == "r-17")
        }
    }

    @Test func ourServerToOurClientAfterAMessage() async throws {
        try await withServer([RichErrorService()]) { _, channel, _ in
            let call = try await channel.serverStreaming(
                path: "/richerrors.Test/FailAfterOne", request: HealthCheckRequest(service: "one"),
                as: HealthCheckRequest.self)
            var responses = call.makeAsyncIterator()
            #expect(try await responses.next()?.service == "one")
            let error = try #require(await rpcError { _ = try await responses.next() })
            #expect(error.code == .invalidArgument)
            #expect(try error.errorDetails().count == 2)
            guard case .badRequest(let request) = try error.errorDetails().first else {
                Issue.record("first detail is not a BadRequest: \(error.details)")
                return
            }
            #expect(request.fieldViolations.map(\.field) == ["name"])
        }
    }

    @Test func googleRPCStatusAgreesWithTheError() throws {
        let error = RichErrorService.error
        let status = error.googleRPCStatus
        #expect(status.code == 3)
        #expect(status.message == error.message)
        #expect(
            status.details.map(\.typeURL) == [
                "type.googleapis.com/google.rpc.BadRequest", "type.googleapis.com/google.rpc.ErrorInfo",
            ])
        #expect(RPCError(googleRPCStatus: status, trailingMetadata: error.trailingMetadata) == error)
    }

    @Test func factoriesFillTheMessages() throws {
        guard case .retryInfo(let retry) = ErrorDetails.retryInfo(delay: .milliseconds(2500)) else {
            Issue.record("not a RetryInfo")
            return
        }
        #expect(retry.retryDelay?.seconds == 2)
        #expect(retry.retryDelay?.nanos == 500_000_000)
        guard case .help(let help) = ErrorDetails.help(links: [("docs", "https://example.com/help")]) else {
            Issue.record("not a Help")
            return
        }
        #expect(help.links.map(\.url) == ["https://example.com/help"])
        let packed = ErrorDetails.localizedMessage(locale: "fr-CH", message: "non").packed
        #expect(packed.typeURL == "type.googleapis.com/google.rpc.LocalizedMessage")
        #expect(try ErrorDetails(unpacking: packed) == .localizedMessage(locale: "fr-CH", message: "non"))
    }

    @Test func unknownDetailTypesStayPacked() throws {
        let custom = RPCError.Detail(typeURL: "type.googleapis.com/acme.Quota", value: [0x08, 0x07])
        let error = RPCError(code: .resourceExhausted, message: "quota", details: [custom])
        #expect(try error.errorDetails() == [.other(custom)])
        #expect(ErrorDetails.other(custom).packed == custom)
    }

    // Bad input: a standard type URL over bytes that are not that message.
    @Test func corruptStandardDetailThrowsADecodeError() {
        let corrupt = RPCError.Detail(typeURL: "type.googleapis.com/google.rpc.ErrorInfo", value: [0x0A, 0x05, 0x41])
        #expect(throws: (any Error).self) { try ErrorDetails(unpacking: corrupt) }
    }

    @Test func pythonClientReadsOurRichError() async throws {
        try await withServer([RichErrorService()]) { _, _, port in
            let peer = try PeerProcess(
                try TestPaths.python3(),
                ["-u", TestPaths.python + "/rich_errors_peer.py", "client", "--port", "\(port)"])
            let line = try await peer.readLine(containing: "rich error")
            #expect(line == "rich error OK")
            #expect(try await peer.waitForExit() == 0)
        }
    }

    @Test func ourClientReadsPythonRichError() async throws {
        let (peer, port) = try await TestPaths.startPythonPeer("rich_errors_peer.py", ["server"])
        defer {
            peer.closeStdin()
        }
        let channel = try RPCChannel(target: "127.0.0.1:\(port)")
        let error = try #require(
            await rpcError {
                _ = try await channel.unary(
                    path: "/richerrors.Test/Fail", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            })
        #expect(error.code == .failedPrecondition)
        #expect(error.message == "tos not accepted: café ✓")
        let details = try error.errorDetails()
        #expect(details.count == 3)
        if case .preconditionFailure(let failure) = details.first {
            #expect(
                failure.violations.map { [$0.type, $0.subject, $0.description_p] } == [
                    ["TOS", "example.com/tos", "not accepted"]
                ])
        } else {
            Issue.record("first detail: \(String(describing: details.first))")
        }
        if details.count == 3, case .retryInfo(let retry) = details[1] {
            #expect(retry.retryDelay?.seconds == 2)
            #expect(retry.retryDelay?.nanos == 500_000_000)
        } else {
            Issue.record("second detail: \(details)")
        }
        if details.count == 3, case .localizedMessage(let localized) = details[2] {
            #expect(localized.locale == "fr-CH")
            #expect(localized.message == "conditions non acceptées")
        } else {
            Issue.record("third detail: \(details)")
        }
        let plain = try #require(
            await rpcError {
                _ = try await channel.unary(
                    path: "/richerrors.Test/Plain", request: HealthCheckRequest(), as: HealthCheckRequest.self)
            })
        #expect(plain.code == .invalidArgument)
        #expect(plain.details.isEmpty)
        await channel.close()
    }
}
