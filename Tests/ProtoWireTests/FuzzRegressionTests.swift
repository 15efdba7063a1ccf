// Replays the fuzzer's seeds (FuzzTesting/Seeds) and every input that ever crashed it
// (Fixtures/fuzz-regressions) with the fuzz target's checks: decoding succeeds or throws a
// ProtoDecodeError, and a decoded message re-encodes to encodedSize() bytes that decode to the same bytes.
import Foundation
import ProtoWire
import Testing

@Suite struct FuzzRegressionTests {
    static func inputs(_ folder: URL) throws -> [(String, [UInt8])] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
            .filter { $0 != "README.md" }
            .map { ($0, [UInt8](try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    func check<M: ProtoMessage>(_ type: M.Type, _ name: String, _ bytes: [UInt8]) {
        for limits in [ProtoDecodeLimits.default, ProtoDecodeLimits(maxDepth: 3)] {
            guard let message = try? M(serializedBytes: bytes, limits: limits) else { continue }
            let encoded = message.serializedBytes()
            #expect(encoded.count == message.encodedSize(), "\(name) as \(M.self)")
            #expect((try? M(serializedBytes: encoded))?.serializedBytes() == encoded, "\(name) as \(M.self)")
        }
    }

    @Test func seedsAndRegressionsDecodeOrFailCleanly() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let seeds = try Self.inputs(root.appendingPathComponent("FuzzTesting/Seeds"))
        let regressions = try Self.inputs(Tools.fixtures.appendingPathComponent("fuzz-regressions"))
        #expect(seeds.count > 100)
        for (name, bytes) in seeds + regressions {
            check(Wiretest_TestAll.self, name, bytes)
            check(Wiretest_Nested.self, name, bytes)
            check(Codec_Order.self, name, bytes)
        }
    }
}
