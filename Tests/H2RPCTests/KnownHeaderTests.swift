import Testing
@testable import H2RPC

/// The header classifier against the names of the gRPC spec (§4) and near misses of the same length.
@Suite struct KnownHeaderTests {
    @Test(arguments: [
        (":method", KnownHeader.method), (":path", .path), (":status", .status), (":scheme", .otherPseudo),
        (":authority", .otherPseudo), (":", .otherPseudo), ("content-type", .contentType), ("te", .te),
        ("grpc-timeout", .grpcTimeout), ("grpc-encoding", .grpcEncoding), ("grpc-accept-encoding", .grpcAcceptEncoding),
        ("grpc-status", .grpcStatus), ("grpc-message", .grpcMessage), ("user-agent", .otherReserved),
        ("host", .otherReserved), ("grpc-message-type", .otherReserved), ("grpc-status-details-bin", .otherReserved),
        // Same lengths, other bytes: application metadata.
        (":methox", .otherPseudo), (":statuz", .otherPseudo), (":patx", .otherPseudo), ("tx", .custom),
        ("hosx", .custom),
        ("content-typx", .custom), ("grpc-timeoux", .custom), ("grpc-messagx", .custom), ("cpc-timeout0", .custom),
        ("grpc-statux", .custom), ("grpc-encodinx", .custom), ("grpc-accept-encodinx", .custom),
        ("user-agenx", .custom), ("grpc-message-typx", .custom), ("grpc-status-details-biX", .custom),
        ("x-user", .custom), ("trace-bin", .custom), ("", .custom),
    ])
    func classifies(name: String, expected: KnownHeader) {
        #expect(KnownHeader(name) == expected)
        #expect(
            KnownHeader(name).isReserved
                == [
                    "content-type", "user-agent", "te", "grpc-message-type", "grpc-encoding", "grpc-accept-encoding",
                    "grpc-message", "grpc-status", "grpc-timeout", "grpc-status-details-bin", "host",
                ].contains(name))
    }
}
