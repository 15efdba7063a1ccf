// Replays the request-path fuzzer's seeds (FuzzTesting/Seeds-RequestPath, written by
// scripts/fuzz/request_path_seeds.py with python's zlib) and every input that ever crashed it
// (Fixtures/fuzz-regressions) through RequestPathFuzzing.run, as the fuzz target does.
import Foundation
@testable import H2RPC
import Testing

@Suite struct RequestPathFuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        .deletingLastPathComponent()
        .deletingLastPathComponent()

    static func inputs(_ folder: String) throws -> [String: [UInt8]] {
        let url = root.appendingPathComponent(folder)
        var result: [String: [UInt8]] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where name != "README.md" {
            result[name] = [UInt8](try Data(contentsOf: url.appendingPathComponent(name)))
        }
        return result
    }

    static func run(_ bytes: [UInt8]) -> RequestPathFuzzing.Outcome {
        bytes.withUnsafeBytes { RequestPathFuzzing.run($0) }
    }

    @Test func seedsTakeThePathsTheyWereWrittenFor() throws {
        let seeds = try Self.inputs("FuzzTesting/Seeds-RequestPath")
        #expect(seeds.count == 8)
        func outcome(_ name: String) throws -> RequestPathFuzzing.Outcome {
            try Self.run(#require(seeds[name], "seed \(name)"))
        }
        #expect(try outcome("identity") == .init(headAccepted: true, messages: 1))
        #expect(try outcome("empty-message") == .init(headAccepted: true, messages: 1))
        #expect(try outcome("two-messages-small-chunks") == .init(headAccepted: true, messages: 2))
        #expect(try outcome("gzip") == .init(headAccepted: true, messages: 1, decompressed: 1))
        #expect(try outcome("deflate") == .init(headAccepted: true, messages: 1, decompressed: 1))
        #expect(try outcome("timeout-and-metadata") == .init(headAccepted: true, messages: 1))
        #expect(try outcome("content-subtype") == .init(headAccepted: true, messages: 1))
        let truncated = try outcome("truncated")
        #expect(truncated.headAccepted && truncated.messages == 0)
        #expect(truncated.deframeError == "grpc: stream ended inside a message at byte 0 (10 of 12 bytes)")
    }

    @Test func regressionsEndWithATypedOutcome() throws {
        for (_, bytes) in try Self.inputs("Tests/H2RPCTests/Fixtures/fuzz-regressions") {
            _ = Self.run(bytes)
        }
    }

    @Test func emptyAndHeaderOnlyInputsAreRejectedWithoutMessages() {
        #expect(Self.run([]) == .init())
        #expect(Self.run([1, 7]) == .init())  // one field whose name runs past the end
    }
}
