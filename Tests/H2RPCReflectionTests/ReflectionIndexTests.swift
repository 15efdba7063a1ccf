@testable import H2RPCReflection
import H2RPC
import ProtoWire
import Testing

/// The reflection lookups over the descriptors the build plugin embedded for reflectiontest/*.proto
/// (extra.proto imports base.proto and extends reflectiontest.Base with fields 101 and 120).
@Suite struct ReflectionIndexTests {
    let index = ReflectionIndex(
        files: [Reflectiontest_Extra_ProtoFile.descriptor], serviceNames: ["reflectiontest.Finder"])

    func fileNames(_ answer: ReflectionAnswer) -> [String] {
        guard case .files(let files) = answer else { return [] }
        return files.map { bytes in Self.fileName(bytes) }
    }

    /// `FileDescriptorProto.name` (field 1), read with ProtoWire.
    static func fileName(_ bytes: [UInt8]) -> String {
        struct NameOnly: ProtoMessage {
            var name = ""
            var unknownFields = ProtoUnknownFields()
            func encodedSize() -> Int { 0 }
            func encode(to writer: inout ProtoWriter) {}
            mutating func decodeMerge(from reader: inout ProtoReader) throws(ProtoDecodeError) {
                var skipped = ProtoUnknownFields()
                while let field = try reader.nextField(unknown: &skipped) {
                    if field.number == 1 { try reader.read(ProtoString.self, field, into: &name) }
                }
            }
        }
        return (try? NameOnly(serializedBytes: bytes))?.name ?? "?"
    }

    @Test func aFileComesWithItsDependenciesOncePerStream() {
        var sent = Set<String>()
        #expect(
            fileNames(index.answer(.fileByName("reflectiontest/extra.proto"), sent: &sent))
                == ["reflectiontest/extra.proto", "reflectiontest/base.proto"])
        #expect(
            fileNames(index.answer(.fileContainingSymbol("reflectiontest.Base"), sent: &sent))
                == ["reflectiontest/base.proto"])
        var fresh = Set<String>()
        #expect(
            fileNames(index.answer(.fileContainingSymbol(".reflectiontest.Lookup.base"), sent: &fresh))
                == ["reflectiontest/extra.proto", "reflectiontest/base.proto"])
    }

    @Test func extensionsAreFoundByTypeAndNumber() {
        var sent = Set<String>()
        #expect(
            fileNames(index.answer(.fileContainingExtension(type: "reflectiontest.Base", number: 120), sent: &sent))
                == ["reflectiontest/extra.proto", "reflectiontest/base.proto"])
        #expect(
            index.answer(.allExtensionNumbers(type: ".reflectiontest.Base"), sent: &sent)
                == .extensionNumbers(type: "reflectiontest.Base", numbers: [101, 120]))
        #expect(
            index.answer(.allExtensionNumbers(type: "reflectiontest.Lookup"), sent: &sent)
                == .extensionNumbers(type: "reflectiontest.Lookup", numbers: []))
    }

    @Test func unknownNamesAreNotFoundAndAnEmptyRequestIsInvalid() {
        var sent = Set<String>()
        #expect(
            index.answer(.fileByName("nope.proto"), sent: &sent)
                == .error(code: 5, message: "file not found: nope.proto"))
        #expect(
            index.answer(.fileContainingSymbol("reflectiontest.Nope"), sent: &sent)
                == .error(code: 5, message: "symbol not found: reflectiontest.Nope"))
        #expect(
            index.answer(.fileContainingExtension(type: "reflectiontest.Base", number: 150), sent: &sent)
                == .error(code: 5, message: "extension not found: reflectiontest.Base field 150"))
        #expect(
            index.answer(.allExtensionNumbers(type: "reflectiontest.Nope"), sent: &sent)
                == .error(code: 5, message: "type not found: reflectiontest.Nope"))
        if case .error(let code, _) = index.answer(.missing, sent: &sent) {
            #expect(code == 3)
        } else {
            Issue.record("an empty request was answered")
        }
        #expect(sent.isEmpty)
    }

    @Test func servicesListedAreTheOnesGiven() {
        var sent = Set<String>()
        #expect(index.answer(.listServices, sent: &sent) == .services(["reflectiontest.Finder"]))
    }
}

/// A reflection service given H2RPC's HealthService lists it and serves grpc/health/v1/health.proto.
@Suite struct HealthReflectionTests {
    private func fileNames(_ answer: ReflectionAnswer) -> [String] {
        guard case .files(let files) = answer else { return [] }
        return files.map(ReflectionIndexTests.fileName)
    }

    @Test func healthIsListedAndDescribed() {
        let reflection = ReflectionService(services: [HealthService()], files: [])
        #expect(reflection.serviceNames.contains("grpc.health.v1.Health"))
        for symbol in [
            "grpc.health.v1.Health.Check", "grpc.health.v1.Health.List", "grpc.health.v1.HealthListResponse",
        ] {
            var sent = Set<String>()
            #expect(
                fileNames(reflection.index.answer(.fileContainingSymbol(symbol), sent: &sent)) == [
                    "grpc/health/v1/health.proto"
                ])
        }
    }

    @Test func withoutHealthItsFileIsNotServed() {
        let reflection = ReflectionService(services: [], files: [])
        #expect(!reflection.serviceNames.contains("grpc.health.v1.Health"))
        var sent = Set<String>()
        #expect(
            reflection.index.answer(.fileByName("grpc/health/v1/health.proto"), sent: &sent)
                == .error(code: 5, message: "file not found: grpc/health/v1/health.proto"))
    }
}
