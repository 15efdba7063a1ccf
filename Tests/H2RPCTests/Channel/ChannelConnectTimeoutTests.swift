import Testing
@testable import H2RPC

/// A connection attempt to a server that accepts TCP and never sends HTTP/2 bytes ends after the
/// channel's connect timeout with UNAVAILABLE naming the step it was waiting for, instead of
/// leaving the call waiting forever.
@Suite struct ChannelConnectTimeoutTests {
    /// Short, yet long enough for a loopback TCP connect on a loaded machine, so that the error
    /// names the step after it.
    static let timeout = Duration.seconds(1)

    static func call(_ channel: RPCChannel) async throws {
        _ = try await channel.unary(path: "/test.Echo/Get", request: EchoMessage(), as: EchoMessage.self)
    }

    @Test func aPlaintextServerThatNeverSendsSettingsFailsTheAttempt() async throws {
        let listener = try SilentListener()
        defer { listener.close() }
        var config = RPCChannel.Configuration()
        config.connectTimeout = Self.timeout
        let channel = try RPCChannel(target: "127.0.0.1:\(listener.port)", configuration: config)
        let error = await expectStatus(.unavailable) { try await Self.call(channel) }
        #expect(
            error?.message
                == "cannot connect to 127.0.0.1:\(listener.port): TCP connected, but no HTTP/2 SETTINGS from the server within \(Self.timeout) (connect timeout)"
        )
        #expect(channel.connectivityState == .transientFailure)
        await channel.close()
    }

    @Test func aTLSServerThatNeverAnswersTheHandshakeFailsTheAttempt() async throws {
        let pki = try await ChannelTestPKI.shared.value
        let listener = try SilentListener()
        defer { listener.close() }
        var config = RPCChannel.Configuration()
        config.connectTimeout = Self.timeout
        config.transportSecurity = .tls(pki.clientConfiguration())
        let channel = try RPCChannel(target: "127.0.0.1:\(listener.port)", configuration: config)
        let error = await expectStatus(.unavailable) { try await Self.call(channel) }
        #expect(error?.message.contains("no TLS handshake and HTTP/2 SETTINGS from the server") == true)
        #expect(error?.message.hasSuffix("(connect timeout)") == true)
        await channel.close()
    }

    @Test func theDefaultConnectTimeoutIsGRPCsMinimumOfTwentySeconds() {
        #expect(RPCChannel.Configuration().connectTimeout == .seconds(20))
    }
}
